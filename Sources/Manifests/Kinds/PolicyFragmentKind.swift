import Model

/// `kind: PolicyFragment`: a reusable `<fragment>` included by policies with `<include-fragment>`.
enum PolicyFragmentKind: ManifestKind {
    static let kindName = "PolicyFragment"
    static let resourceKind: ResourceKind? = .policyFragment
    static let schema = ObjectSchema(
        [FieldSchema("description", .string)] + CommonFields.policy, exclusive: [["policy", "policyFile"]])

    /// `(^[\w]+$)|(^[\w][\w\-]+[\w]$)`, 1–80 characters.
    static func validateName(_ name: String) -> String? {
        let word: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        let valid =
            !name.isEmpty && name.count <= 80 && word(name.first ?? "-") && word(name.last ?? "-")
            && name.allSatisfy { word($0) || $0 == "-" }
        return valid
            ? nil : "fragment name '\(name)' must be 1–80 letters, digits, '_' or '-', not starting or ending with '-'"
    }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let id = ResourceID(.policyFragment, manifest.name)
        guard manifest.spec["policy"] != nil || manifest.spec["policyFile"] != nil else {
            context.error("missing required field 'policyFile' (or 'policy') in 'spec'", at: manifest.location("spec"))
            return
        }
        guard let text = context.policy(in: manifest.spec, path: "spec", of: manifest, owner: id, root: "fragment")
        else { return }
        var properties: JSONValue = ["format": "rawxml", "value": .string(text)]
        if let description = manifest.spec["description"] { properties["description"] = description }
        context.add(context.resource(id, properties, for: manifest))
    }

    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .policyFragment)
        spec["value"] = nil
        spec["policyFile"] = .string(context.policyFile(resource, "fragments/\(resource.id.name)"))
        return spec
    }
}
