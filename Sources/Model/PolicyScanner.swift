/// A tolerant reader of APIM policy documents.
///
/// Policy documents are often not well-formed XML: C# expressions such as
/// `@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A"))` put raw quotes, `<` and `=>` inside quoted
/// attributes and element text. The scanner treats `@(…)` and `@{…}` as opaque, balanced expressions (C# string and
/// character literals included), so it finds elements, attributes and `{{named value}}` references in such
/// documents without requiring a strict XML parser to accept them.
public enum PolicyScanner {
    /// Scans `text` and reports its elements, references and structural problems.
    public static func scan(_ text: String) -> PolicyScan {
        var reader = PolicyReader(text: text)
        reader.run()
        return reader.result
    }
}

/// What the scanner found in a policy document. Lines and columns are 1-based, columns in Unicode scalars.
public struct PolicyScan: Sendable, Hashable {
    /// An element's start tag.
    public struct Element: Sendable, Hashable {
        public var name: String
        public var attributes: [Attribute]
        /// The names of the enclosing elements, outermost first.
        public var ancestors: [String]
        public var line: Int
        public var column: Int
        /// Whether the tag was written `<name … />`.
        public var selfClosing: Bool

        /// The value of attribute `name`, if present.
        public func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }
    }

    /// One `name="value"` of a start tag.
    public struct Attribute: Sendable, Hashable {
        public var name: String
        public var value: String
        public var line: Int
        public var column: Int
        /// Whether the value is a policy expression (`@(…)` or `@{…}`), whose result is known only at run time.
        public var isExpression: Bool { value.hasPrefix("@(") || value.hasPrefix("@{") }
    }

    /// A `{{name}}` reference to a named value.
    public struct NamedValueReference: Sendable, Hashable {
        public var name: String
        public var line: Int
        public var column: Int
    }

    /// A structural problem: an unterminated tag or expression, a stray closing tag.
    public struct Problem: Sendable, Hashable {
        public var message: String
        public var line: Int
        public var column: Int
    }

    public var elements: [Element] = []
    public var namedValueReferences: [NamedValueReference] = []
    public var problems: [Problem] = []
    /// The document as a tree (top-level nodes; normally comments and one root element).
    public var nodes: [PolicyNode] = []

    /// The first element, which should be `policies` (or `fragment` for a policy fragment).
    public var root: Element? { elements.first }
}

/// A node of a policy document's tree, as written (entities not decoded, white space kept).
public indirect enum PolicyNode: Sendable, Hashable {
    case element(name: String, attributes: [PolicyScan.Attribute], children: [PolicyNode])
    case text(String)
    case comment(String)
}

private struct PolicyReader {
    let scalars: [Unicode.Scalar]
    var lineStarts: [Int] = [0]
    var index = 0
    var stack: [String] = []
    var result = PolicyScan()
    /// Open elements being built: name, attributes and the children collected so far.
    var open: [(name: String, attributes: [PolicyScan.Attribute], children: [PolicyNode])] = []
    var textStart = 0

    mutating func append(_ node: PolicyNode) {
        if open.isEmpty { result.nodes.append(node) } else { open[open.count - 1].children.append(node) }
    }

    /// Adds the text read since the last markup, if any.
    mutating func flushText(upTo end: Int) {
        if end > textStart {
            append(.text(String(String.UnicodeScalarView(scalars[textStart..<end]))))
        }
    }

    /// Closes the innermost `count` open elements into the tree.
    mutating func closeElements(_ count: Int) {
        for _ in 0..<min(count, open.count) {
            let element = open.removeLast()
            append(.element(name: element.name, attributes: element.attributes, children: element.children))
        }
    }

    init(text: String) {
        scalars = Array(text.unicodeScalars)
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { lineStarts.append(offset + 1) }
    }

    func position(_ offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return (low + 1, offset - lineStarts[low] + 1)
    }

    func starts(with literal: String, at offset: Int) -> Bool {
        var position = offset
        for scalar in literal.unicodeScalars {
            guard position < scalars.count, scalars[position] == scalar else { return false }
            position += 1
        }
        return true
    }

    mutating func problem(_ message: String, at offset: Int) {
        let (line, column) = position(offset)
        result.problems.append(PolicyScan.Problem(message: message, line: line, column: column))
    }

    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar == "_" || scalar == ":"
    }

    static func isNameChar(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
    }

    mutating func run() {
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                let markupStart = index
                if starts(with: "<!--", at: index) {
                    flushText(upTo: index)
                    skip(past: "-->", from: index, what: "comment")
                    let end = max(markupStart + 4, index - 3)
                    append(
                        .comment(String(String.UnicodeScalarView(scalars[(markupStart + 4)..<min(end, scalars.count)])))
                    )
                    textStart = index
                } else if starts(with: "<![CDATA[", at: index) {
                    skip(past: "]]>", from: index, what: "CDATA section")
                } else if starts(with: "<?", at: index) || starts(with: "<!", at: index) {
                    flushText(upTo: index)
                    skip(past: ">", from: index, what: "declaration")
                    textStart = index
                } else if starts(with: "</", at: index) {
                    flushText(upTo: index)
                    readEndTag()
                    textStart = index
                } else if index + 1 < scalars.count, PolicyReader.isNameStart(scalars[index + 1]) {
                    flushText(upTo: index)
                    readStartTag()
                    textStart = index
                } else {
                    index += 1
                }
            } else if scalar == "@", index + 1 < scalars.count, scalars[index + 1] == "(" || scalars[index + 1] == "{" {
                index = skipExpression(from: index, terminator: nil)
            } else if scalar == "{", starts(with: "{{", at: index) {
                readNamedValueReference()
            } else {
                index += 1
            }
        }
        flushText(upTo: scalars.count)
        if let unclosed = stack.last {
            problem("element '\(unclosed)' is never closed", at: max(0, scalars.count - 1))
        }
        closeElements(open.count)
    }

    mutating func skip(past terminator: String, from start: Int, what: String) {
        var position = start + 1
        while position < scalars.count, !starts(with: terminator, at: position) { position += 1 }
        if position >= scalars.count {
            problem("unterminated \(what)", at: start)
            index = scalars.count
        } else {
            index = position + terminator.unicodeScalars.count
        }
    }

    mutating func readName() -> String {
        var name = String.UnicodeScalarView()
        while index < scalars.count, PolicyReader.isNameChar(scalars[index]) {
            name.append(scalars[index])
            index += 1
        }
        return String(name)
    }

    mutating func skipSpace() {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    }

    mutating func readEndTag() {
        let start = index
        index += 2
        let name = readName()
        skipSpace()
        if index < scalars.count, scalars[index] == ">" {
            index += 1
        } else {
            problem("malformed closing tag", at: start)
        }
        if let match = stack.lastIndex(of: name) {
            if match != stack.count - 1 {
                problem("element '\(stack[stack.count - 1])' is closed by '</\(name)>'", at: start)
            }
            closeElements(stack.count - match)
            stack.removeSubrange(match...)
        } else {
            problem("closing tag '</\(name)>' has no matching start tag", at: start)
        }
    }

    mutating func readStartTag() {
        let start = index
        index += 1
        let name = readName()
        let (line, column) = position(start)
        var element = PolicyScan.Element(
            name: name, attributes: [], ancestors: stack, line: line, column: column, selfClosing: false)
        while true {
            skipSpace()
            guard index < scalars.count else {
                problem("start tag '<\(name)' is never finished", at: start)
                break
            }
            if scalars[index] == ">" {
                index += 1
                stack.append(name)
                open.append((name, element.attributes, []))
                break
            }
            if starts(with: "/>", at: index) {
                index += 2
                element.selfClosing = true
                append(.element(name: name, attributes: element.attributes, children: []))
                break
            }
            guard PolicyReader.isNameStart(scalars[index]) else {
                problem("unexpected character '\(scalars[index])' in tag '<\(name)>'", at: index)
                index += 1
                continue
            }
            let attributeName = readName()
            skipSpace()
            guard index < scalars.count, scalars[index] == "=" else {
                problem("attribute '\(attributeName)' has no value", at: index)
                continue
            }
            index += 1
            skipSpace()
            guard index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" else {
                problem("value of attribute '\(attributeName)' is not quoted", at: index)
                continue
            }
            let quote = scalars[index]
            index += 1
            let valueStart = index
            while index < scalars.count, scalars[index] != quote {
                if scalars[index] == "@", index + 1 < scalars.count,
                    scalars[index + 1] == "(" || scalars[index + 1] == "{"
                {
                    index = skipExpression(from: index, terminator: quote)
                } else if starts(with: "{{", at: index) {
                    readNamedValueReference()
                } else {
                    index += 1
                }
            }
            let value = String(String.UnicodeScalarView(scalars[valueStart..<min(index, scalars.count)]))
            let (valueLine, valueColumn) = position(valueStart)
            element.attributes.append(
                PolicyScan.Attribute(name: attributeName, value: value, line: valueLine, column: valueColumn))
            if index < scalars.count { index += 1 } else { problem("unterminated attribute value", at: valueStart) }
        }
        result.elements.append(element)
    }

    mutating func readNamedValueReference() {
        let start = index
        index += 2
        var name = String.UnicodeScalarView()
        while index < scalars.count, !starts(with: "}}", at: index), scalars[index] != "\n", scalars[index] != "<" {
            name.append(scalars[index])
            index += 1
        }
        guard starts(with: "}}", at: index) else { return }
        index += 2
        let (line, column) = position(start)
        let trimmed = String(name).trimmingWhitespace()
        if !trimmed.isEmpty {
            result.namedValueReferences.append(.init(name: trimmed, line: line, column: column))
        }
    }

    /// Skips a balanced `@(…)` or `@{…}` expression, treating C# string and character literals as opaque.
    /// Returns the offset just past it. Named-value references inside are still recorded.
    mutating func skipExpression(from start: Int, terminator: Unicode.Scalar?) -> Int {
        let open = scalars[start + 1]
        let close: Unicode.Scalar = open == "(" ? ")" : "}"
        var depth = 0
        var position = start + 1
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "\"" || scalar == "'" {
                let verbatim = position > 0 && scalars[position - 1] == "@" && scalar == "\""
                position = skipLiteral(from: position, verbatim: verbatim)
                continue
            }
            if scalar == "{", starts(with: "{{", at: position), depth > 0 {
                let saved = index
                index = position
                readNamedValueReference()
                position = max(index, position + 1)
                index = saved
                continue
            }
            if scalar == open {
                depth += 1
            } else if scalar == close {
                depth -= 1
                if depth == 0 { return position + 1 }
            }
            position += 1
        }
        problem("policy expression is never closed", at: start)
        _ = terminator
        return scalars.count
    }

    /// Skips a C# string or character literal starting at `start`; falls back to the end of the line when it is
    /// not closed, so a stray quote cannot swallow the rest of the document.
    func skipLiteral(from start: Int, verbatim: Bool) -> Int {
        let quote = scalars[start]
        var position = start + 1
        while position < scalars.count {
            let scalar = scalars[position]
            if verbatim, scalar == "\"" {
                if position + 1 < scalars.count, scalars[position + 1] == "\"" {
                    position += 2
                    continue
                }
                return position + 1
            }
            if !verbatim, scalar == "\\" {
                position += 2
                continue
            }
            if scalar == quote { return position + 1 }
            if scalar == "\n", !verbatim { return position }
            position += 1
        }
        return position
    }
}

extension String {
    /// The string without leading and trailing white space (Model imports no Foundation helpers for this).
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
