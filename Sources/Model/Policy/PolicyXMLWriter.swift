/// Writes a policy tree the way APIM stores and returns it (apim-rest.md §11.2): one tab per level of indentation,
/// CRLF line ends, double-quoted attributes, ` />` for elements with no content, the text of mixed-content elements
/// kept as it is. For `xml` everything is XML-escaped (in attributes also `"`, and line ends and tabs as character
/// references); for `rawxml` expressions are written raw and only the text around them is escaped.
public enum PolicyXMLWriter {
    /// The nodes of a document (comments and the root element), one per line.
    public static func serialize(_ nodes: [PolicyNode], format: PolicyFormat) -> String {
        var out = ""
        var first = true
        for node in nodes where !isBlank(node) {
            if !first { out += "\r\n" }
            first = false
            write(node, depth: 0, inline: false, format: format, into: &out)
        }
        return out
    }

    /// Escapes `value` for an attribute (`attribute: true`) or element text in `format`.
    public static func escape(_ value: String, attribute: Bool, format: PolicyFormat) -> String {
        guard format == .rawxml, value.contains("@") else { return escapePlain(value, attribute: attribute) }
        return PolicyExpression.segments(of: value).map { segment in
            switch segment {
            case .expression(let text): text
            case .text(let text): escapePlain(text, attribute: attribute)
            }
        }.joined()
    }

    private static func isBlank(_ node: PolicyNode) -> Bool {
        if case .text(let text) = node {
            return text.value.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        }
        return false
    }

    private static func write(
        _ node: PolicyNode, depth: Int, inline: Bool, format: PolicyFormat, into out: inout String
    ) {
        switch node {
        case .text(let text): out += escape(text.value, attribute: false, format: format)
        case .cdata(let text): out += "<![CDATA[\(text.value)]]>"
        case .comment(let text): out += "<!--\(text)-->"
        case .element(let element): write(element, depth: depth, inline: inline, format: format, into: &out)
        }
    }

    private static func write(
        _ element: PolicyElement, depth: Int, inline: Bool, format: PolicyFormat, into out: inout String
    ) {
        out += "<" + element.name
        for attribute in element.attributes {
            out += " \(attribute.name)=\"\(escape(attribute.value, attribute: true, format: format))\""
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
                case .text, .cdata: !isBlank($0)
                case .element, .comment: false
                }
            }
        if mixed {
            for child in element.children { write(child, depth: depth + 1, inline: true, format: format, into: &out) }
        } else {
            let indent = String(repeating: "\t", count: depth + 1)
            for child in meaningful {
                out += "\r\n" + indent
                write(child, depth: depth + 1, inline: false, format: format, into: &out)
            }
            out += "\r\n" + String(repeating: "\t", count: depth)
        }
        out += "</\(element.name)>"
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
