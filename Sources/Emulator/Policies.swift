import Foundation
import Model

/// Policy documents as APIM handles them: read in the submitted format with the shared ``PolicyXMLReader`` (the
/// one `validate` uses), check the root element, store the canonical re-serialization, and find the references
/// APIM checks on save.
struct PolicyDocument: Sendable {
    /// The canonical stored text (XML-escaped, tabs, CRLF).
    var stored: String
    /// The document as read: its tree, elements and named-value references.
    var scan: PolicyScan

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
        let textFormat: PolicyFormat
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
        let scan = PolicyXMLReader.read(value, format: textFormat)
        if let problem = firstReported(scan.problems) { throw problem.armError(in: value) }
        guard let rootElement = scan.rootElement, rootElement.name == root else {
            let found = scan.rootElement?.name ?? ""
            throw ARMError.validation(
                target: "representation",
                message: "Root element of the policy document must be '\(root)', found '\(found)'.")
        }
        // Positions stay those of the submitted text: APIM reports "line 2, column 5" for an element indented
        // by three spaces on the second line (MicrosoftDocs/azure-docs #111058).
        return PolicyDocument(stored: PolicyXMLWriter.serialize(scan.nodes, format: .xml), scan: scan)
    }

    /// A document the emulator stored (canonical `xml`).
    init(storedText: String) {
        stored = storedText
        scan = PolicyXMLReader.read(storedText, format: .xml)
    }

    private init(stored: String, scan: PolicyScan) {
        self.stored = stored
        self.scan = scan
    }

    /// The problem APIM reports: the first XML error in document order (its XML reader stops there); only a
    /// well-formed document has its expressions compiled and its `{{…}}` resolved.
    static func firstReported(_ problems: [PolicyProblem]) -> PolicyProblem? {
        func isXML(_ problem: PolicyProblem) -> Bool {
            switch problem.kind {
            case .expression, .unclosedNamedValue: false
            default: true
            }
        }
        let ordered = problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        return ordered.first(where: isXML) ?? ordered.first
    }

    /// Renders stored text in the requested export format.
    static func render(_ stored: String, rawxml: Bool) -> String {
        guard rawxml else { return stored }
        let scan = PolicyXMLReader.read(stored, format: .xml)
        guard scan.problems.isEmpty else { return stored }
        return PolicyXMLWriter.serialize(scan.nodes, format: .rawxml)
    }

    /// Every `{{named value}}`, static `set-backend-service backend-id` and `include-fragment fragment-id`, in
    /// document order. `resolve` maps a named value display name to its value, to resolve `{{…}}` inside a backend id.
    func references(resolve: (String) -> String?) -> [Reference] {
        var result: [Reference] = []
        for reference in scan.namedValueReferences {
            let element = reference.element
            result.append(
                Reference(
                    kind: .namedValue, id: reference.name, element: element?.name ?? "",
                    line: element?.line ?? reference.line, column: element?.nameColumn ?? reference.column))
        }
        for element in scan.elements {
            if element.name == "set-backend-service", let raw = element.attribute("backend-id")?.value {
                let resolved = Self.substitute(raw, resolve: resolve)
                if !resolved.contains("@(") && !resolved.contains("@{") && !resolved.contains("{{") {
                    result.append(
                        Reference(
                            kind: .backend, id: resolved, element: element.name, line: element.line,
                            column: element.column + 1))
                }
            }
            if element.name == "include-fragment", let id = element.attribute("fragment-id")?.value {
                result.append(
                    Reference(
                        kind: .fragment, id: id, element: element.name, line: element.line, column: element.column + 1))
            }
        }
        return result.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// Names inside `{{…}}` in a plain value (a backend's credentials), read as the policy reader reads them.
    static func namedValueNames(in text: String) -> [String] {
        PolicyXMLReader.read(text, format: .rawxml).namedValueReferences.map(\.name)
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

extension PolicyProblem {
    /// The 400 APIM answers: an XML error in .NET `XmlReader`'s words with its "Line x, position y." (target
    /// `representation`, apim-rest.md §11.1), or an expression error in the element style of the referential checks
    /// ("Error in element 'choose' on line 15, column 4: Unterminated string literal. …",
    /// azure-api-management-devops-resource-kit #350).
    fileprivate func armError(in text: String) -> ARMError {
        if case .expression(let message) = kind, let element {
            return ARMError.validation(
                target: element.name,
                message: "Error in element '\(element.name)' on line \(element.line), column \(element.nameColumn): "
                    + message)
        }
        var (line, position) = (line, column)
        switch kind {
        case .strayEndTag, .mismatchedEndTag: position += 2
        case .multipleRoots, .malformedEntity, .undeclaredEntity: position += 1
        case .unclosedElement:
            // .NET reports the end of the text, just past its last character.
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            (line, position) = (lines.count, (lines.last?.unicodeScalars.count ?? 0) + 1)
        default: break
        }
        return ARMError.validation(
            target: "representation", message: "\(netMessage) Line \(line), position \(position).")
    }

    /// The problem as .NET's `XmlReader` words it (the emulator's own wording where it has none).
    private var netMessage: String {
        switch kind {
        case .dataAtRootLevel: "Data at the root level is invalid."
        case .multipleRoots: "There are multiple root elements."
        case .missingRoot: "Root element is missing."
        case .invalidNameStart(let found?), .unexpectedCharacterInTag(let found, _):
            "Name cannot begin with the \(Self.shown(found)) character, hexadecimal value 0x"
                + String(found.value, radix: 16, uppercase: true) + "."
        case .invalidNameStart(nil), .unfinishedStartTag: "Unexpected end of file while parsing Name has occurred."
        case .missingWhitespace(let found): "\(Self.shown(found)) is an unexpected token. Expecting white space."
        case .attributeWithoutValue(let name): "The attribute '\(name)' has no value. The expected token is '='."
        case .unquotedAttributeValue: "The expected token is '\"' or '''."
        case .unterminatedAttributeValue: "Unexpected end of file while parsing attribute value has occurred."
        case .duplicateAttribute(let name): "'\(name)' is a duplicate attribute name."
        case .lessThanInAttribute: "'<', hexadecimal value 0x3C, is an invalid attribute character."
        case .undeclaredEntity(let name): "Reference to undeclared entity '\(name)'."
        case .malformedEntity: "An error occurred while parsing EntityName."
        case .invalidCharacterReference(let text): "'&\(text);' is an invalid character reference."
        case .unterminatedComment: "Unexpected end of file while parsing Comment has occurred."
        case .doubleHyphenInComment: "An XML comment cannot contain '--', and '-' cannot be the last character."
        case .unterminatedCDATA: "Unexpected end of file while parsing CDATA has occurred."
        case .unterminatedProcessingInstruction: "Unexpected end of file while parsing PI has occurred."
        case .declaration: "Unexpected DTD declaration."
        case .malformedEndTag: "Expected '>'."
        case .strayEndTag(let name, let open?), .mismatchedEndTag(let open, let name):
            "The '\(open)' start tag does not match the end tag of '\(name)'."
        case .strayEndTag(_, nil): "Unexpected end tag."
        case .unclosedElement(_, let open):
            "Unexpected end of file has occurred. The following elements are not closed: "
                + open.reversed().joined(separator: ", ") + "."
        case .unterminatedExpression: "Unterminated policy expression."
        case .expression(let message): message
        case .unclosedNamedValue(let name): "The named value reference '{{\(name)' is not closed with '}}'."
        case .tooDeep(let limit): "Elements are nested more than \(limit) levels deep; the emulator reads no deeper."
        }
    }

    private static func shown(_ scalar: Unicode.Scalar) -> String { "'\(Character(scalar))'" }
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
