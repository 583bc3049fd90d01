import Model

/// `kind: ServicePolicy`: the global ("All APIs") policy; its name is always `policy`.
enum ServicePolicyKind: ManifestKind {
    static let kindName = "ServicePolicy"
    static let resourceKind: ResourceKind? = .servicePolicy
    static let schema = ObjectSchema(CommonFields.policy, exclusive: [["policy", "policyFile"]])

    static func validateName(_ name: String) -> String? {
        name == "policy" ? nil : "the service policy must be named 'policy', found '\(name)'"
    }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let id = ResourceID(.servicePolicy)
        guard manifest.spec["policy"] != nil || manifest.spec["policyFile"] != nil else {
            context.error("missing required field 'policyFile' (or 'policy') in 'spec'", at: manifest.location("spec"))
            return
        }
        guard let text = context.policy(in: manifest.spec, path: "spec", of: manifest, owner: id) else { return }
        context.add(context.resource(id, ["format": "rawxml", "value": .string(text)], for: manifest))
    }

    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        JSONObject([("policyFile", .string(context.policyFile(resource, "global")))])
    }
}
