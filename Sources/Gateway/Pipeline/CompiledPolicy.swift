import Foundation
import Model

/// A policy document (or fragment) ready to run: read with the shared ``PolicyXMLReader``, `{{named values}}`
/// resolved, and placed in the file the user edits when its ``PolicySource`` still describes it.
struct CompiledPolicy: Sendable {
    /// The service-relative id (`apis/aoai/policies/policy`).
    let id: String
    /// The file statements are reported in: the source file, or the id when the stored text is all there is.
    let file: String
    /// The root element (`policies` or `fragment`), nil when the document has none.
    let root: PolicyElement?
    /// Problems reading the document.
    let problems: [PolicyProblem]
    /// Shown after each `file:line` of a generated document.
    let generated: String?

    init(_ policy: GatewayPolicy, namedValues: [String: String]) {
        id = policy.id
        let stored = PolicyXMLReader.read(policy.text, format: policy.format)
        var chosen = stored
        var file = policy.id
        var generated: String?
        if let source = policy.source {
            let original = PolicyXMLReader.read(source.text, format: .rawxml)
            if original.problems.isEmpty, let a = original.rootElement, let b = stored.rootElement,
                Self.sameStatements(a, b)
            {
                chosen = original
                file = source.file
                generated = source.generated
            }
        }
        self.file = file
        self.generated = generated
        problems = chosen.problems
        root = chosen.rootElement.map { Self.substitute($0, namedValues: namedValues, liquid: false) }
    }

    /// The children of section `name` (`inbound`, `backend`, `outbound`, `on-error`), nil when the section is absent.
    func section(_ name: String) -> PolicyElement? {
        root?.elements.first { $0.name == name }
    }

    /// `file:line` of an element.
    func location(of element: PolicyElement) -> String {
        "\(file):\(element.line)" + (generated.map { " (\($0))" } ?? "")
    }

    /// Whether two trees hold the same elements with the same attributes, in the same order (the stored form of a
    /// document differs from its source only in layout and escaping).
    static func sameStatements(_ a: PolicyElement, _ b: PolicyElement) -> Bool {
        var pending = [(a, b)]
        while let (left, right) = pending.popLast() {
            guard left.name == right.name, left.attributes.map(\.name) == right.attributes.map(\.name),
                left.attributes.map(\.value) == right.attributes.map(\.value),
                left.elements.count == right.elements.count
            else { return false }
            pending += zip(left.elements, right.elements).map { ($0, $1) }
        }
        return true
    }

    /// `{{name}}` replaced by named values in attribute values and text (not in Liquid templates, where `{{…}}` is
    /// Liquid). The tree is at most ``PolicyXMLReader/maximumDepth`` deep.
    private static func substitute(
        _ element: PolicyElement, namedValues: [String: String], liquid: Bool
    ) -> PolicyElement {
        var copy = element
        let isLiquid = liquid || (element.name == "set-body" && element.attribute("template")?.value == "liquid")
        copy.attributes = element.attributes.map { attribute in
            var changed = attribute
            changed.value = resolve(attribute.value, namedValues)
            return changed
        }
        copy.children = element.children.map { node -> PolicyNode in
            switch node {
            case .element(let child): return .element(substitute(child, namedValues: namedValues, liquid: isLiquid))
            case .text(var text):
                if !isLiquid { text.value = resolve(text.value, namedValues) }
                return .text(text)
            case .cdata(var text):
                if !isLiquid { text.value = resolve(text.value, namedValues) }
                return .cdata(text)
            case .comment: return node
            }
        }
        return copy
    }

    static func resolve(_ text: String, _ namedValues: [String: String]) -> String {
        guard text.contains("{{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = String(after[..<close.lowerBound])
            if name.unicodeScalars.allSatisfy(PolicyNamedValueReference.isNameScalar), !name.isEmpty,
                let value = namedValues[name.lowercased()]
            {
                out += value
            } else {
                out += rest[open.lowerBound..<close.upperBound]
            }
            rest = after[close.upperBound...]
        }
        return out + rest
    }
}

extension PolicyElement {
    /// The element's text content (text and CDATA children joined).
    var textContent: String {
        children.compactMap { node -> String? in
            switch node {
            case .text(let text), .cdata(let text): text.value
            default: nil
            }
        }.joined()
    }

    /// The first text or CDATA child, for placing an expression written as element content.
    var firstText: PolicyText? {
        for node in children {
            switch node {
            case .text(let text), .cdata(let text):
                if !text.value.allSatisfy(\.isWhitespace) { return text }
            default: continue
            }
        }
        return nil
    }
}
