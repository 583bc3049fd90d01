import Foundation
import Model

/// What policies and policy fragments share: reading a document as APIM does on save, with the referential checks it
/// makes then (apim-rest.md §11.3), and what a stored document uses.
extension EmulatorStore {
    /// Reads `props.value` in `props.format` with the root `root` (`policies` or `fragment`) and checks its references.
    func policyDocument(_ props: JSONObject, root: String) throws(ARMError) -> PolicyDocument {
        // `value` is required by the spec; APIM also refuses one that is only white space.
        guard let value = props["value"]?.stringValue, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw ARMError.validation(target: "value", message: "'value' is required.")
        }
        let document = try PolicyDocument.parse(value, format: props["format"]?.stringValue ?? "xml", root: root)
        try checkPolicyReferences(document)
        return document
    }

    func namedValue(displayName: String) -> Entity? {
        let wanted = displayName.lowercased()
        return state.all(kind: .namedValues).first {
            ($0.properties["displayName"]?.stringValue ?? $0.name).lowercased() == wanted
        }
    }

    func namedValueText(_ displayName: String) -> String? {
        namedValue(displayName: displayName)?.hidden["value"]?.stringValue
    }

    /// The referential checks APIM makes when a policy or fragment is saved (§11.3), one detail per problem.
    func checkPolicyReferences(_ document: PolicyDocument) throws(ARMError) {
        var checks = Checks()
        var reported = Set<String>()
        for reference in document.references(resolve: { self.namedValueText($0) }) {
            let place = "Error in element '\(reference.element)' on line \(reference.line), column \(reference.column)"
            switch reference.kind {
            case .namedValue:
                guard namedValue(displayName: reference.id) == nil,
                    reported.insert("nv:" + reference.id.lowercased()).inserted
                else { continue }
                // APIM answers "Property 'x' not found." for an unknown named value in backend credentials
                // (Azure/apiops #491); in a policy it is reported in the element style of the other checks.
                checks.add(reference.element, "\(place): Property '\(reference.id)' not found.")
            case .backend:
                if state.entity("backends/\(reference.id)") == nil {
                    checks.add(reference.element, "\(place): Backend with id '\(reference.id)' could not be found.")
                }
            case .fragment:
                if state.entity("policyFragments/\(reference.id)") == nil {
                    checks.add(
                        reference.element, "\(place): Policy fragment with id '\(reference.id)' could not be found.")
                }
            }
        }
        try checks.check()
    }

    /// Whether the stored document of `candidate` (a policy or fragment) uses `target` (a named value by display
    /// name, a backend or a fragment by name).
    func policyDocument(of candidate: Entity, uses target: Entity) -> Bool {
        guard let text = candidate.properties["value"]?.stringValue else { return false }
        let wantedName = target.name.lowercased()
        let displayName = target.properties["displayName"]?.stringValue?.lowercased()
        return PolicyDocument(storedText: text).references(resolve: { self.namedValueText($0) }).contains {
            reference in
            switch reference.kind {
            case .namedValue: target.kind == .namedValues && reference.id.lowercased() == displayName
            case .backend: target.kind == .backends && reference.id.lowercased() == wantedName
            case .fragment: target.kind == .policyFragments && reference.id.lowercased() == wantedName
            }
        }
    }

    /// The stored (canonical `xml`) policy text, in `rawxml` when asked.
    static func renderedPolicy(_ entity: Entity, rawxml: Bool) -> JSONValue {
        let stored = entity.properties["value"]?.stringValue ?? ""
        return .string(rawxml ? PolicyDocument.render(stored, rawxml: true) : stored)
    }
}
