import Foundation
import Model

/// A small YAML reader for inline OpenAPI imports (`format: openapi`): block mappings and sequences,
/// plain / single- / double-quoted scalars, `|` and `>` block scalars, single- or multi-line flow collections,
/// comments and `---`. Anchors, aliases, tags and multi-document streams are rejected.
struct YAMLLite {
    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "YAML line \(line): \(message)" }
    }

    private struct Line {
        var indent: Int
        var text: String
        var number: Int
        var raw: String
    }

    private var lines: [Line] = []
    private var rawLines: [String] = []
    private var index = 0

    static func parse(_ text: String) throws(Failure) -> JSONValue {
        var reader = YAMLLite()
        reader.rawLines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        for (offset, raw) in reader.rawLines.enumerated() {
            let indent = raw.prefix { $0 == " " }.count
            let content = stripComment(String(raw.dropFirst(indent)))
            if content.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if content.hasPrefix("\t") {
                throw Failure(line: offset + 1, message: "tabs are not allowed for indentation")
            }
            if indent == 0 && (content == "---" || content.hasPrefix("--- ") || content == "...") {
                if !reader.lines.isEmpty && content == "---" {
                    throw Failure(line: offset + 1, message: "multi-document streams are not supported")
                }
                continue
            }
            reader.lines.append(Line(indent: indent, text: content, number: offset + 1, raw: raw))
        }
        guard !reader.lines.isEmpty else { return .null }
        let value = try reader.node(indent: reader.lines[0].indent)
        if reader.index < reader.lines.count {
            throw Failure(line: reader.lines[reader.index].number, message: "unexpected indentation")
        }
        return value
    }

    /// Removes a `#` comment that is outside quotes and preceded by white space (or starts the line).
    static func stripComment(_ text: String) -> String {
        var single = false
        var double = false
        var previous: Character = " "
        var out = ""
        for character in text {
            if character == "'" && !double { single.toggle() }
            if character == "\"" && !single && previous != "\\" { double.toggle() }
            if character == "#" && !single && !double && (previous == " " || out.isEmpty) { break }
            out.append(character)
            previous = character
        }
        return String(out.reversed().drop { $0 == " " }.reversed())
    }

    private static func isSequenceItem(_ text: String) -> Bool { text == "-" || text.hasPrefix("- ") }

    private mutating func node(indent: Int) throws(Failure) -> JSONValue {
        let line = lines[index]
        if Self.isSequenceItem(line.text) { return try sequence(indent: line.indent) }
        if Self.splitKey(line.text) != nil { return try mapping(indent: line.indent) }
        index += 1
        return try scalarOrFlow(line.text, line: line)
    }

    private mutating func sequence(indent: Int) throws(Failure) -> JSONValue {
        var items: [JSONValue] = []
        while index < lines.count, lines[index].indent == indent, Self.isSequenceItem(lines[index].text) {
            let line = lines[index]
            let rest = line.text == "-" ? "" : String(line.text.dropFirst(2))
            let trimmed = rest.drop { $0 == " " }
            if trimmed.isEmpty {
                index += 1
                if index < lines.count, lines[index].indent > indent {
                    items.append(try node(indent: lines[index].indent))
                } else {
                    items.append(.null)
                }
            } else {
                // "- key: value" opens a mapping whose keys sit at the column of "key".
                let column = indent + 2 + (rest.count - trimmed.count)
                lines[index] = Line(indent: column, text: String(trimmed), number: line.number, raw: line.raw)
                items.append(try node(indent: column))
            }
        }
        return .array(items)
    }

    private mutating func mapping(indent: Int) throws(Failure) -> JSONValue {
        var object = JSONObject()
        while index < lines.count, lines[index].indent == indent, !Self.isSequenceItem(lines[index].text) {
            let line = lines[index]
            guard let (key, value) = Self.splitKey(line.text) else {
                throw Failure(line: line.number, message: "expected 'key: value'")
            }
            if object[key] != nil { throw Failure(line: line.number, message: "duplicate key '\(key)'") }
            index += 1
            if value.isEmpty {
                if index < lines.count, lines[index].indent > indent {
                    object[key] = try node(indent: lines[index].indent)
                } else if index < lines.count, lines[index].indent == indent, Self.isSequenceItem(lines[index].text) {
                    object[key] = try sequence(indent: indent)
                } else {
                    object[key] = .null
                }
            } else if value.hasPrefix("|") || value.hasPrefix(">") {
                object[key] = .string(blockScalar(header: value, parentIndent: indent, after: line.number))
            } else {
                object[key] = try scalarOrFlow(value, line: line)
            }
        }
        if index < lines.count, lines[index].indent > indent {
            throw Failure(line: lines[index].number, message: "unexpected indentation")
        }
        return .object(object)
    }

    /// Splits `key: value` (the colon outside quotes and followed by a space or the end of the line).
    private static func splitKey(_ text: String) -> (String, String)? {
        if text.hasPrefix("[") || text.hasPrefix("{") { return nil }
        let chars = Array(text)
        var i = 0
        var quote: Character?
        if chars.first == "\"" || chars.first == "'" {
            quote = chars[0]
            i = 1
            while i < chars.count {
                if chars[i] == "\\" && quote == "\"" {
                    i += 2
                    continue
                }
                if chars[i] == quote {
                    if quote == "'" && i + 1 < chars.count && chars[i + 1] == "'" {
                        i += 2
                        continue
                    }
                    break
                }
                i += 1
            }
            i += 1
            guard i < chars.count, chars[i] == ":", i + 1 == chars.count || chars[i + 1] == " " else { return nil }
            let key = unquote(String(chars[0..<i]))
            return (key, String(chars[(i + 1)...]).trimmingCharacters(in: .whitespaces))
        }
        while i < chars.count {
            if chars[i] == ":" && (i + 1 == chars.count || chars[i + 1] == " ") {
                let key = String(chars[0..<i]).trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { return nil }
                return (key, String(chars[(i + 1)...]).trimmingCharacters(in: .whitespaces))
            }
            i += 1
        }
        return nil
    }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            var out = ""
            var escaping = false
            for character in text.dropFirst().dropLast() {
                if escaping {
                    switch character {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "0": out.append("\0")
                    default: out.append(character)
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    out.append(character)
                }
            }
            return out
        }
        return text
    }

    /// `|` keeps line breaks, `>` folds them; `-` strips the final break, `+` keeps all trailing breaks.
    private mutating func blockScalar(header: String, parentIndent: Int, after lineNumber: Int) -> String {
        let folded = header.hasPrefix(">")
        let chomp = header.dropFirst().first { $0 == "-" || $0 == "+" }
        var body: [String] = []
        var blockIndent: Int?
        var rawIndex = lineNumber  // rawLines is 0-based: the next raw line
        while rawIndex < rawLines.count {
            let raw = rawLines[rawIndex]
            let indent = raw.prefix { $0 == " " }.count
            let blank = raw.trimmingCharacters(in: .whitespaces).isEmpty
            if !blank {
                if indent <= parentIndent { break }
                if blockIndent == nil { blockIndent = indent }
                if indent < (blockIndent ?? 0) { break }
            }
            body.append(blank ? "" : String(raw.dropFirst(blockIndent ?? 0)))
            rawIndex += 1
        }
        while index < lines.count, lines[index].number <= rawIndex { index += 1 }
        var trailing = 0
        while body.last == "" {
            body.removeLast()
            trailing += 1
        }
        var text: String
        if folded {
            text = ""
            for (offset, part) in body.enumerated() {
                if offset > 0 { text += (part.isEmpty || body[offset - 1].isEmpty || part.hasPrefix(" ")) ? "\n" : " " }
                text += part
            }
        } else {
            text = body.joined(separator: "\n")
        }
        switch chomp {
        case "-": return text
        case "+": return text + String(repeating: "\n", count: trailing + 1)
        default: return body.isEmpty ? "" : text + "\n"
        }
    }

    private mutating func scalarOrFlow(_ text: String, line: Line) throws(Failure) -> JSONValue {
        if text.hasPrefix("&") || text.hasPrefix("*") || text.hasPrefix("!") {
            throw Failure(line: line.number, message: "anchors, aliases and tags are not supported")
        }
        guard text.hasPrefix("[") || text.hasPrefix("{") else { return Self.scalar(text) }
        // A flow collection may continue on the following lines until its brackets balance.
        var source = text
        while !Self.balanced(source), index < lines.count {
            source += " " + lines[index].text
            index += 1
        }
        var flow = FlowParser(chars: Array(source), line: line.number)
        let value = try flow.value()
        flow.skipSpaces()
        guard flow.position == flow.chars.count else {
            throw Failure(line: line.number, message: "unexpected text after a flow collection")
        }
        return value
    }

    private static func balanced(_ text: String) -> Bool {
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            default: break
            }
        }
        return depth <= 0
    }

    /// YAML 1.2 core schema scalars.
    static func scalar(_ raw: String) -> JSONValue {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\"") || text.hasPrefix("'") { return .string(unquote(text)) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let numeric = text.allSatisfy { $0.isNumber || "+-.eE".contains($0) } && text.contains(where: \.isNumber)
        if numeric, let number = Double(text) { return .number(number) }
        return .string(text)
    }

    private struct FlowParser {
        var chars: [Character]
        var line: Int
        var position = 0

        mutating func skipSpaces() {
            while position < chars.count, chars[position] == " " { position += 1 }
        }

        mutating func value() throws(Failure) -> JSONValue {
            skipSpaces()
            guard position < chars.count else { throw Failure(line: line, message: "unterminated flow collection") }
            switch chars[position] {
            case "[":
                position += 1
                var items: [JSONValue] = []
                skipSpaces()
                if position < chars.count, chars[position] == "]" {
                    position += 1
                    return .array(items)
                }
                while true {
                    items.append(try value())
                    skipSpaces()
                    guard position < chars.count else { throw Failure(line: line, message: "unterminated '['") }
                    if chars[position] == "," {
                        position += 1
                        continue
                    }
                    if chars[position] == "]" {
                        position += 1
                        return .array(items)
                    }
                    throw Failure(line: line, message: "expected ',' or ']'")
                }
            case "{":
                position += 1
                var object = JSONObject()
                skipSpaces()
                if position < chars.count, chars[position] == "}" {
                    position += 1
                    return .object(object)
                }
                while true {
                    let key = try value()
                    skipSpaces()
                    guard position < chars.count, chars[position] == ":" else {
                        throw Failure(line: line, message: "expected ':' in a flow mapping")
                    }
                    position += 1
                    object[key.stringValue ?? key.serialized()] = try value()
                    skipSpaces()
                    guard position < chars.count else { throw Failure(line: line, message: "unterminated '{'") }
                    if chars[position] == "," {
                        position += 1
                        continue
                    }
                    if chars[position] == "}" {
                        position += 1
                        return .object(object)
                    }
                    throw Failure(line: line, message: "expected ',' or '}'")
                }
            case "\"", "'":
                let quote = chars[position]
                let start = position
                position += 1
                while position < chars.count {
                    if chars[position] == "\\" && quote == "\"" {
                        position += 2
                        continue
                    }
                    if chars[position] == quote {
                        if quote == "'" && position + 1 < chars.count && chars[position + 1] == "'" {
                            position += 2
                            continue
                        }
                        break
                    }
                    position += 1
                }
                position += 1
                return .string(YAMLLite.unquote(String(chars[start..<min(position, chars.count)])))
            default:
                let start = position
                while position < chars.count, !",]}".contains(chars[position]) {
                    if chars[position] == ":" && (position + 1 == chars.count || chars[position + 1] == " ") { break }
                    position += 1
                }
                return YAMLLite.scalar(String(chars[start..<position]))
            }
        }
    }
}
