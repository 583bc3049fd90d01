/// A small tolerant XML reader and writer for APIM policy documents.
///
/// Foundation's `XMLParser` is not reliable on Linux and cannot read `rawxml`, where C# policy expressions
/// (`@(…)`, `@{…}`) may contain raw `"`, `<`, `>` and `=>`. This reader treats such expressions as opaque when
/// reading `rawxml` (balanced parentheses/braces, C# string and character literals skipped) and is plain XML
/// otherwise. The writer re-serializes the way APIM stores policies: tab indentation, CRLF line endings,
/// double-quoted attributes, ` />` for empty elements, text of mixed-content elements kept verbatim.

/// How a policy document's text is encoded.
enum PolicyTextFormat: Sendable {
    /// Well-formed XML; expressions XML-escaped.
    case xml
    /// "Non XML encoded": expressions appear raw.
    case rawxml
}

/// One node of a policy document.
indirect enum XNode: Sendable, Equatable {
    case element(XElement)
    case text(String)
    case comment(String)
    case cdata(String)
}

/// One attribute (name, decoded value).
struct XAttribute: Sendable, Equatable {
    var name: String
    var value: String
}

/// An element with its position in the source (1-based line, and the column of the element name).
struct XElement: Sendable, Equatable {
    var name: String
    var attributes: [XAttribute]
    var children: [XNode]
    var line: Int
    var column: Int

    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
}

/// A parsed document: the root element plus the comments around it.
struct XDocument: Sendable, Equatable {
    var nodes: [XNode]

    var root: XElement? {
        for node in nodes { if case .element(let element) = node { return element } }
        return nil
    }
}

/// A parse failure with .NET-style position text ("… Line 5, position 40.").
struct XMLParseFailure: Error, Sendable, Equatable {
    var message: String
    var line: Int
    var column: Int

    var description: String { "\(message) Line \(line), position \(column)." }
}

/// Reads an XML document (see the file comment for the `rawxml` rules).
struct XMLReader {
    private let text: [Unicode.Scalar]
    private var index = 0
    private let format: PolicyTextFormat

    init(_ source: String, format: PolicyTextFormat) {
        // XML end-of-line handling: CRLF and lone CR become LF before parsing.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousWasCR = false
        for scalar in source.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.text = scalars
        self.format = format
    }

    static func parse(_ source: String, format: PolicyTextFormat) throws(XMLParseFailure) -> XDocument {
        var reader = XMLReader(source, format: format)
        return try reader.document()
    }

    // MARK: - Positions and errors

    private func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = 0
        while i < offset && i < text.count {
            if text[i] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    private func failure(_ message: String, at offset: Int? = nil) -> XMLParseFailure {
        let place = position(of: offset ?? index)
        return XMLParseFailure(message: message, line: place.line, column: place.column)
    }

    private var atEnd: Bool { index >= text.count }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let at = index + offset
        return at < text.count ? text[at] : nil
    }

    private func lookingAt(_ literal: String) -> Bool {
        var i = index
        for scalar in literal.unicodeScalars {
            guard i < text.count, text[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private mutating func skipWhitespace() {
        while let scalar = peek(), Self.isWhitespace(scalar) { index += 1 }
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == ":" || (scalar.properties.isAlphabetic)
    }

    private static func isNameChar(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || scalar == "-" || scalar == "." || ("0"..."9").contains(scalar)
    }

    // MARK: - Document structure

    private mutating func document() throws(XMLParseFailure) -> XDocument {
        var nodes: [XNode] = []
        var sawRoot = false
        if lookingAt("<?xml") {
            guard let end = find("?>") else { throw failure("Unexpected end of file while parsing XML declaration.") }
            index = end + 2
        }
        while true {
            skipWhitespace()
            if atEnd { break }
            if lookingAt("<!--") {
                nodes.append(.comment(try comment()))
            } else if lookingAt("<?") {
                guard let end = find("?>") else { throw failure("Unexpected end of file while parsing PI.") }
                index = end + 2
            } else if lookingAt("<!") {
                throw failure("Unexpected DTD declaration.")
            } else if peek() == "<" {
                if sawRoot { throw failure("There are multiple root elements.", at: index + 1) }
                nodes.append(.element(try element()))
                sawRoot = true
            } else {
                throw failure("Data at the root level is invalid.")
            }
        }
        guard sawRoot else { throw failure("Root element is missing.") }
        return XDocument(nodes: nodes)
    }

    private func find(_ literal: String) -> Int? {
        let needle = Array(literal.unicodeScalars)
        var i = index
        while i + needle.count <= text.count {
            if text[i] == needle[0] && Array(text[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    private mutating func comment() throws(XMLParseFailure) -> String {
        index += 4
        guard let end = find("-->") else { throw failure("Unexpected end of file while parsing Comment has occurred.") }
        let body = String(String.UnicodeScalarView(text[index..<end]))
        index = end + 3
        return body
    }

    private mutating func name() throws(XMLParseFailure) -> String {
        guard let first = peek(), Self.isNameStart(first) else {
            let shown = peek().map { "'\(Character($0))'" } ?? "end of file"
            throw failure("Name cannot begin with the \(shown) character.")
        }
        let start = index
        while let scalar = peek(), Self.isNameChar(scalar) { index += 1 }
        return String(String.UnicodeScalarView(text[start..<index]))
    }

    private mutating func element() throws(XMLParseFailure) -> XElement {
        index += 1  // "<"
        let place = position(of: index)
        let elementName = try name()
        var attributes: [XAttribute] = []
        while true {
            let hadSpace = peek().map(Self.isWhitespace) ?? false
            skipWhitespace()
            guard let scalar = peek() else {
                throw failure("Unexpected end of file while parsing Name has occurred.")
            }
            if scalar == "/" {
                guard peek(1) == ">" else { throw failure("Expected '>'.", at: index + 1) }
                index += 2
                return XElement(
                    name: elementName, attributes: attributes, children: [], line: place.line, column: place.column)
            }
            if scalar == ">" {
                index += 1
                break
            }
            guard hadSpace else {
                throw failure("'\(Character(scalar))' is an unexpected token. Expecting white space.")
            }
            let attributeStart = index
            let attributeName = try name()
            skipWhitespace()
            guard peek() == "=" else {
                let shown = peek().map { String(Character($0)) } ?? "EOF"
                throw failure("'\(shown)' is an unexpected token. The expected token is '='.")
            }
            index += 1
            skipWhitespace()
            guard let quote = peek(), quote == "\"" || quote == "'" else {
                throw failure(
                    "'\(peek().map { String(Character($0)) } ?? "EOF")' is an unexpected token. The expected token is '\"' or '''."
                )
            }
            index += 1
            let value = try attributeValue(quote: quote)
            if attributes.contains(where: { $0.name == attributeName }) {
                throw failure("'\(attributeName)' is a duplicate attribute name.", at: attributeStart)
            }
            attributes.append(XAttribute(name: attributeName, value: value))
        }
        let children = try content(of: elementName)
        return XElement(
            name: elementName, attributes: attributes, children: children, line: place.line, column: place.column)
    }

    private mutating func attributeValue(quote: Unicode.Scalar) throws(XMLParseFailure) -> String {
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else { throw failure("Unexpected end of file while parsing attribute value.") }
            if scalar == quote {
                index += 1
                return String(value)
            }
            if format == .rawxml, scalar == "@", peek(1) == "(" || peek(1) == "{" {
                let end = try expressionEnd(from: index)
                value.append(contentsOf: text[index..<end])
                index = end
                continue
            }
            switch scalar {
            case "<":
                throw failure("'<', hexadecimal value 0x3C, is an invalid attribute character.")
            case "&":
                value.append(contentsOf: try entity().unicodeScalars)
            case "\n", "\t":
                value.append(" ")
                index += 1
            default:
                value.append(scalar)
                index += 1
            }
        }
    }

    private mutating func entity() throws(XMLParseFailure) -> String {
        let start = index
        index += 1
        var body = ""
        while let scalar = peek(), scalar != ";" {
            guard body.unicodeScalars.count < 12, !Self.isWhitespace(scalar), scalar != "<", scalar != "&" else {
                throw failure("An error occurred while parsing EntityName.", at: start + 1)
            }
            body.unicodeScalars.append(scalar)
            index += 1
        }
        guard peek() == ";" else { throw failure("An error occurred while parsing EntityName.", at: start + 1) }
        index += 1
        switch body {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            if body.hasPrefix("#x") || body.hasPrefix("#X"), let code = UInt32(body.dropFirst(2), radix: 16),
                let scalar = Unicode.Scalar(code)
            {
                return String(Character(scalar))
            }
            if body.hasPrefix("#"), let code = UInt32(body.dropFirst()), let scalar = Unicode.Scalar(code) {
                return String(Character(scalar))
            }
            throw failure("Reference to undeclared entity '\(body)'.", at: start + 1)
        }
    }

    private mutating func content(of elementName: String) throws(XMLParseFailure) -> [XNode] {
        var children: [XNode] = []
        var pending = String.UnicodeScalarView()
        func flush() {
            if !pending.isEmpty {
                children.append(.text(String(pending)))
                pending = String.UnicodeScalarView()
            }
        }
        while true {
            guard let scalar = peek() else {
                throw failure(
                    "Unexpected end of file has occurred. The following elements are not closed: \(elementName).")
            }
            if scalar == "<" {
                if lookingAt("</") {
                    flush()
                    let closeStart = index + 2
                    index += 2
                    let closing = try name()
                    guard closing == elementName else {
                        let place = position(of: closeStart)
                        throw failure(
                            "The '\(elementName)' start tag does not match the end tag of '\(closing)'.",
                            at: closeStart
                        ).withPlace(place)
                    }
                    skipWhitespace()
                    guard peek() == ">" else { throw failure("Expected '>'.") }
                    index += 1
                    return children
                } else if lookingAt("<!--") {
                    flush()
                    children.append(.comment(try comment()))
                } else if lookingAt("<![CDATA[") {
                    flush()
                    index += 9
                    guard let end = find("]]>") else { throw failure("Unexpected end of file while parsing CDATA.") }
                    children.append(.cdata(String(String.UnicodeScalarView(text[index..<end]))))
                    index = end + 3
                } else if lookingAt("<?") {
                    guard let end = find("?>") else { throw failure("Unexpected end of file while parsing PI.") }
                    index = end + 2
                } else {
                    flush()
                    children.append(.element(try element()))
                }
                continue
            }
            if format == .rawxml, scalar == "@", peek(1) == "(" || peek(1) == "{" {
                let end = try expressionEnd(from: index)
                pending.append(contentsOf: text[index..<end])
                index = end
                continue
            }
            if scalar == "&" {
                pending.append(contentsOf: try entity().unicodeScalars)
                continue
            }
            pending.append(scalar)
            index += 1
        }
    }

    /// The offset just past the expression starting with `@(` or `@{` at `start`.
    private func expressionEnd(from start: Int) throws(XMLParseFailure) -> Int {
        guard let end = PolicyExpressions.end(of: text, from: start) else {
            throw failure("Unterminated policy expression.", at: start)
        }
        return end
    }
}

extension XMLParseFailure {
    fileprivate func withPlace(_ place: (line: Int, column: Int)) -> XMLParseFailure {
        XMLParseFailure(message: message, line: place.line, column: place.column)
    }
}

/// Scanning of C# policy expressions `@(…)` and `@{…}`.
enum PolicyExpressions {
    /// The offset just past the balanced expression that starts with `@` at `start`, or nil if unbalanced.
    static func end(of text: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        var stack: [Unicode.Scalar] = []
        while i < text.count {
            let scalar = text[i]
            switch scalar {
            case "(": stack.append(")")
            case "{": stack.append("}")
            case "[": stack.append("]")
            case ")", "}", "]":
                guard stack.last == scalar else { return nil }
                stack.removeLast()
                if stack.isEmpty { return i + 1 }
            case "\"":
                let verbatim = i > 0 && text[i - 1] == "@" && i - 1 > start
                i = skipString(text, from: i, verbatim: verbatim)
                continue
            case "'":
                // A character literal: 'x' or '\x'; a lone apostrophe is left alone.
                if i + 2 < text.count, text[i + 1] == "\\" {
                    var j = i + 2
                    while j < text.count && text[j] != "'" && j - i < 10 { j += 1 }
                    if j < text.count && text[j] == "'" { i = j + 1; continue }
                } else if i + 2 < text.count, text[i + 2] == "'" {
                    i += 3
                    continue
                }
            default: break
            }
            i += 1
        }
        return nil
    }

    private static func skipString(_ text: [Unicode.Scalar], from quote: Int, verbatim: Bool) -> Int {
        var i = quote + 1
        while i < text.count {
            let scalar = text[i]
            if verbatim {
                if scalar == "\"" {
                    if i + 1 < text.count && text[i + 1] == "\"" { i += 2; continue }
                    return i + 1
                }
            } else {
                if scalar == "\\" { i += 2; continue }
                if scalar == "\"" { return i + 1 }
            }
            i += 1
        }
        return i
    }

    /// Splits `value` into (isExpression, text) segments.
    static func segments(_ value: String) -> [(Bool, String)] {
        let scalars = Array(value.unicodeScalars)
        var result: [(Bool, String)] = []
        var plain = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "@", i + 1 < scalars.count, scalars[i + 1] == "(" || scalars[i + 1] == "{",
                let end = end(of: scalars, from: i)
            {
                if !plain.isEmpty {
                    result.append((false, String(plain)))
                    plain = String.UnicodeScalarView()
                }
                result.append((true, String(String.UnicodeScalarView(scalars[i..<end]))))
                i = end
                continue
            }
            plain.append(scalars[i])
            i += 1
        }
        if !plain.isEmpty { result.append((false, String(plain))) }
        return result
    }
}

/// Writes a document the way APIM stores it.
enum XMLWriter {
    /// `rawExpressions`: write expressions unescaped (`format=rawxml`); otherwise everything is XML-escaped.
    static func serialize(_ document: XDocument, rawExpressions: Bool) -> String {
        var out = ""
        for (offset, node) in document.nodes.enumerated() {
            if offset > 0 { out += "\r\n" }
            write(node, depth: 0, inline: false, raw: rawExpressions, into: &out)
        }
        return out
    }

    private static func isBlank(_ node: XNode) -> Bool {
        if case .text(let text) = node { return text.unicodeScalars.allSatisfy(XMLReader.isWhitespace) }
        return false
    }

    private static func write(_ node: XNode, depth: Int, inline: Bool, raw: Bool, into out: inout String) {
        switch node {
        case .text(let text): out += escape(text, attribute: false, raw: raw)
        case .cdata(let text): out += "<![CDATA[\(text)]]>"
        case .comment(let text): out += "<!--\(text)-->"
        case .element(let element): write(element, depth: depth, inline: inline, raw: raw, into: &out)
        }
    }

    private static func write(_ element: XElement, depth: Int, inline: Bool, raw: Bool, into out: inout String) {
        out += "<" + element.name
        for attribute in element.attributes {
            out += " \(attribute.name)=\"\(escape(attribute.value, attribute: true, raw: raw))\""
        }
        let meaningful = element.children.filter { !isBlank($0) }
        if meaningful.isEmpty {
            out += " />"
            return
        }
        out += ">"
        let mixed =
            inline
            || element.children.contains {
                switch $0 {
                case .text, .cdata: return !isBlank($0)
                default: return false
                }
            }
        if mixed {
            for child in element.children { write(child, depth: depth + 1, inline: true, raw: raw, into: &out) }
        } else {
            let indent = String(repeating: "\t", count: depth + 1)
            for child in meaningful {
                out += "\r\n" + indent
                write(child, depth: depth + 1, inline: false, raw: raw, into: &out)
            }
            out += "\r\n" + String(repeating: "\t", count: depth)
        }
        out += "</\(element.name)>"
    }

    static func escape(_ value: String, attribute: Bool, raw: Bool) -> String {
        if raw {
            return PolicyExpressions.segments(value).map { isExpression, text in
                isExpression ? text : escapePlain(text, attribute: attribute)
            }.joined()
        }
        return escapePlain(value, attribute: attribute)
    }

    private static func escapePlain(_ value: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#xA;"
            case "\r" where attribute: out += "&#xD;"
            case "\t" where attribute: out += "&#x9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
