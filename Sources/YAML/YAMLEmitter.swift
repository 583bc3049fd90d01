/// Writes node trees as block-style YAML that reads back to the same values.
///
/// Strings that would resolve to something else under the core schema (`"true"`, `"1.0"`, `""`) or that need
/// escaping are double-quoted; multi-line strings use literal blocks.
///
/// It recurses once per level down to ``YAMLLimits/maximumDepth`` levels only; anything deeper (a tree built from
/// JSON, which the loader never produced) is written in flow style by a loop, so no tree can exhaust the stack.
/// Such output reads back as the same values only within the loader's limits.
public enum YAMLEmitter {
    /// The documents, separated by `---`.
    public static func emit(documents: [YAMLNode]) -> String {
        documents.map { "---\n" + emit($0) }.joined()
    }

    /// One document's text, ending in a line break.
    public static func emit(_ node: YAMLNode) -> String {
        var out = ""
        write(node, indent: 0, to: &out, context: .top)
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }

    private enum Context { case top, mappingValue, sequenceItem }

    private static func write(_ node: YAMLNode, indent: Int, to out: inout String, context: Context) {
        if indent >= YAMLLimits.default.maximumDepth {
            out += (context == .top ? "" : " ")
            writeFlow(node, to: &out)
            out += "\n"
            return
        }
        let pad = String(repeating: "  ", count: indent)
        switch node.content {
        case .scalar(let scalar):
            let text = render(scalar: scalar, tag: node.tag, indent: indent)
            out += (context == .top ? "" : " ") + text + "\n"
        case .sequence(let items):
            if items.isEmpty {
                out += (context == .top ? "" : " ") + "[]\n"
                return
            }
            if context == .mappingValue { out += "\n" }
            for (index, item) in items.enumerated() {
                out += (context == .sequenceItem && index == 0 ? "" : pad) + "-"
                switch item.content {
                case .mapping(let pairs) where !pairs.isEmpty:
                    out += " "
                    writePairs(pairs, indent: indent + 1, to: &out, firstInline: true)
                case .sequence(let inner) where !inner.isEmpty:
                    out += " "
                    write(item, indent: indent + 1, to: &out, context: .sequenceItem)
                default:
                    write(item, indent: indent + 1, to: &out, context: .mappingValue)
                }
            }
        case .mapping(let pairs):
            if pairs.isEmpty {
                out += (context == .top ? "" : " ") + "{}\n"
                return
            }
            if context == .mappingValue { out += "\n" }
            writePairs(pairs, indent: indent, to: &out, firstInline: context == .sequenceItem)
        }
    }

    private static func writePairs(_ pairs: [YAMLPair], indent: Int, to out: inout String, firstInline: Bool) {
        let pad = String(repeating: "  ", count: indent)
        for (index, pair) in pairs.enumerated() {
            if !(firstInline && index == 0) { out += pad }
            let key = render(
                scalar: pair.key.scalar ?? YAMLScalar(""), tag: pair.key.tag, indent: indent, allowingBlock: false)
            // An empty plain key (`? ` alone, or `: v`) is null: written as nothing it would not read back.
            out += (key.isEmpty ? "null" : key) + ":"
            write(pair.value, indent: indent + 1, to: &out, context: .mappingValue)
        }
    }

    /// `node` on one line in flow style (`[a, {"k": b}]`), with an explicit stack instead of recursion.
    private static func writeFlow(_ node: YAMLNode, to out: inout String) {
        enum Step {
            case node(YAMLNode)
            case text(String)
        }
        var stack: [Step] = [.node(node)]
        while let step = stack.popLast() {
            switch step {
            case .text(let text):
                out += text
            case .node(let node):
                switch node.content {
                case .scalar(let scalar):
                    if case .string(let text) = scalar.resolve(tag: node.tag) {
                        out += doubleQuoted(text)
                    } else {
                        out += scalar.text.isEmpty ? "null" : scalar.text
                    }
                case .sequence(let items):
                    stack.append(.text("]"))
                    for (index, item) in items.enumerated().reversed() {
                        stack.append(.node(item))
                        if index > 0 { stack.append(.text(", ")) }
                    }
                    stack.append(.text("["))
                case .mapping(let pairs):
                    stack.append(.text("}"))
                    for (index, pair) in pairs.enumerated().reversed() {
                        stack.append(.node(pair.value))
                        stack.append(.text(": "))
                        stack.append(.node(pair.key))
                        if index > 0 { stack.append(.text(", ")) }
                    }
                    stack.append(.text("{"))
                }
            }
        }
    }

    /// The scalar as written; a multi-line string as a literal block when `allowingBlock` (never for a key, which a
    /// block cannot be).
    private static func render(scalar: YAMLScalar, tag: String?, indent: Int, allowingBlock: Bool = true) -> String {
        let text = scalar.text
        let isString: Bool
        if case .string = scalar.resolve(tag: tag) { isString = true } else { isString = false }
        if !isString { return text }
        if allowingBlock, text.contains("\n"), !text.contains("\r"), !text.hasPrefix(" "), !text.hasSuffix("\n\n"),
            text.allSatisfy({ $0 == "\n" || $0 == "\t" || !$0.isASCII || ($0.asciiValue ?? 0) >= 0x20 })
        {
            let pad = String(repeating: "  ", count: indent + 1)
            let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : pad + $0 }
            return (text.hasSuffix("\n") ? "|" : "|-") + "\n" + lines.joined(separator: "\n")
        }
        if canBePlain(text) && YAMLScalar(text).resolve() == .string(text) { return text }
        return doubleQuoted(text)
    }

    private static func canBePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@`~ \t".unicodeScalars.contains(first) { return false }
        if last == " " || last == ":" { return false }
        if text.contains(": ") || text.contains(" #") { return false }
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    private static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20 || control.value == 0x7F:
                let hex = String(control.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
