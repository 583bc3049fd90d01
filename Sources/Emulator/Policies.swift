import Foundation

/// Policy documents as APIM handles them: parse in the submitted format, check the root element, store the
/// canonical re-serialization, and find the references APIM checks on save.
struct PolicyDocument: Sendable {
    /// The canonical stored text (XML-escaped, tabs, CRLF).
    var stored: String
    var document: XDocument

    /// What a policy refers to, with the element positions APIM reports (line and name column in the submitted text).
    struct Reference: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            case namedValue
            case backend
            case fragment
        }
        var kind: Kind
        var id: String
        var element: String
        var line: Int
        var column: Int
    }

    /// Parses `value` given in `format` (`xml` or `rawxml`); `root` is `policies` or `fragment`.
    static func parse(_ value: String, format: String, root: String) throws(ARMError) -> PolicyDocument {
        let textFormat: PolicyTextFormat
        switch format.lowercased() {
        case "xml", "": textFormat = .xml
        case "rawxml": textFormat = .rawxml
        case "xml-link", "rawxml-link":
            throw ARMError.validation(
                target: "format",
                message: "The emulator cannot download policy documents; '\(format)' is not supported offline.")
        default:
            throw ARMError.validation(target: "format", message: "Invalid policy format '\(format)'.")
        }
        let document: XDocument
        do {
            document = try XMLReader.parse(value, format: textFormat)
        } catch {
            throw ARMError.validation(target: "representation", message: error.description)
        }
        guard let rootElement = document.root, rootElement.name == root else {
            let found = document.root?.name ?? ""
            throw ARMError.validation(
                target: "representation",
                message: "Root element of the policy document must be '\(root)', found '\(found)'.")
        }
        // Positions stay those of the submitted text: APIM reports "line 2, column 5" for an element indented
        // by three spaces on the second line (MicrosoftDocs/azure-docs #111058).
        return PolicyDocument(stored: XMLWriter.serialize(document, rawExpressions: false), document: document)
    }

    /// Renders stored text in the requested export format.
    static func render(_ stored: String, rawxml: Bool) -> String {
        guard rawxml, let document = try? XMLReader.parse(stored, format: .xml) else { return stored }
        return XMLWriter.serialize(document, rawExpressions: true)
    }

    /// Every `{{named value}}`, static `set-backend-service backend-id` and `include-fragment fragment-id`.
    /// `resolve` maps a named value display name to its value, to resolve `{{…}}` inside a backend id.
    func references(resolve: (String) -> String?) -> [Reference] {
        var result: [Reference] = []
        func visit(_ element: XElement) {
            for attribute in element.attributes {
                for name in Self.namedValueNames(in: attribute.value) {
                    result.append(
                        Reference(
                            kind: .namedValue, id: name, element: element.name, line: element.line,
                            column: element.column))
                }
            }
            if element.name == "set-backend-service", let raw = element.attribute("backend-id") {
                let resolved = Self.substitute(raw, resolve: resolve)
                if !resolved.contains("@(") && !resolved.contains("@{") && !resolved.contains("{{") {
                    result.append(
                        Reference(
                            kind: .backend, id: resolved, element: element.name, line: element.line,
                            column: element.column))
                }
            }
            if element.name == "include-fragment", let id = element.attribute("fragment-id") {
                result.append(
                    Reference(
                        kind: .fragment, id: id, element: element.name, line: element.line, column: element.column))
            }
            for child in element.children {
                switch child {
                case .element(let inner): visit(inner)
                case .text(let text), .cdata(let text):
                    for name in Self.namedValueNames(in: text) {
                        result.append(
                            Reference(
                                kind: .namedValue, id: name, element: element.name, line: element.line,
                                column: element.column))
                    }
                case .comment: break
                }
            }
        }
        if let root = document.root { visit(root) }
        return result
    }

    /// Names inside `{{…}}`.
    static func namedValueNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { break }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, name.unicodeScalars.allSatisfy({ NamedValueRules.allowed($0) }) { names.append(name) }
            rest = after[close.upperBound...]
        }
        return names
    }

    static func substitute(_ text: String, resolve: (String) -> String?) -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += resolve(name) ?? "{{\(name)}}"
            rest = after[close.upperBound...]
        }
        out += rest
        return out
    }
}

/// Named value naming rules (`^[A-Za-z0-9-._]+$`).
enum NamedValueRules {
    static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "." || scalar == "_"
    }
}

/// The policy a new developer-SKU service starts with (comment block as in `ApiManagementGetPolicyFormat`).
enum DefaultPolicies {
    static let globalComment = """
        <!--
            IMPORTANT:
            - Policy elements can appear only within the <inbound>, <outbound>, <backend> section elements.
            - Only the <forward-request> policy element can appear within the <backend> section element.
            - To apply a policy to the incoming request (before it is forwarded to the backend service), place a corresponding policy element within the <inbound> section element.
            - To apply a policy to the outgoing response (before it is sent back to the caller), place a corresponding policy element within the <outbound> section element.
            - To add a policy position the cursor at the desired insertion point and click on the round button associated with the policy.
            - To remove a policy, delete the corresponding policy statement from the policy document.
            - Policies are applied in the order of their appearance, from the top down.
        -->
        """

    static let global =
        globalComment
        + "\r\n<policies>\r\n\t<inbound />\r\n\t<backend>\r\n\t\t<forward-request />\r\n\t</backend>\r\n\t<outbound />\r\n\t<on-error />\r\n</policies>"
}
