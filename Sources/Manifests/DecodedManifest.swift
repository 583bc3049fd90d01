import Model

/// A resource manifest after its envelope and `spec` were decoded, before it is lowered into resources.
struct DecodedManifest: Sendable {
    var kind: String
    var name: String
    /// The `kind:` line: where the resource is said to be declared.
    var origin: SourceLocation
    var nameLocation: SourceLocation
    var reconcile: Resource.ReconcileMode
    var spec: JSONValue
    /// Where each decoded value came from, keyed by path (`spec.pool[0].backend`).
    var locations: [String: SourceLocation]
    /// The macro manifest that produced this one, for generated manifests.
    var generatedBy: String?

    /// The location of `path`, falling back to its closest decoded parent, then to the manifest itself.
    func location(_ path: String) -> SourceLocation {
        var candidate = path
        while true {
            if let location = locations[candidate] { return location }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { return origin }
            candidate = String(candidate[..<cut])
        }
    }

    /// The decoded `spec` fields that are managed fields of the ARM kind (its descriptor says which), except
    /// those the manifest kind lowers itself.
    func managedProperties(of kind: ResourceKind, except: Set<String> = []) -> JSONObject {
        kind.descriptor.managedProperties(in: spec, except: except)
    }

    /// `spec.<field>` as a string.
    func string(_ field: String) -> String? { spec[field]?.stringValue }
}
