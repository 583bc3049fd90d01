import Model

/// `kind: Product`: a product with its API and group links and its policy.
enum ProductKind: ManifestKind {
    static let kindName = "Product"
    static let resourceKind: ResourceKind? = .product
    static let schema = ObjectSchema(
        [
            FieldSchema(
                "displayName",
                .string(.pattern(description: "must be 1–300 characters", matches: { !$0.isEmpty && $0.count <= 300 })),
                required: true),
            FieldSchema("description", .string),
            FieldSchema("terms", .string),
            FieldSchema("subscriptionRequired", .boolean),
            FieldSchema("approvalRequired", .boolean),
            FieldSchema("subscriptionsLimit", .integer(0...Int(Int32.max))),
            FieldSchema("state", .string(.oneOf(["published", "notPublished"]))),
            FieldSchema("apis", .list(.string)),
            FieldSchema("groups", .list(.string)),
        ] + CommonFields.policy, exclusive: [["policy", "policyFile"]])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let product = manifest.name
        let id = ResourceID(.product, product)
        let spec = manifest.spec
        let properties = manifest.managedProperties(of: .product)
        if spec["subscriptionRequired"]?.boolValue == false {
            for key in ["approvalRequired", "subscriptionsLimit"] where spec[key] != nil {
                context.error(
                    "'\(key)' cannot be set when 'subscriptionRequired' is false", at: manifest.location("spec.\(key)"))
            }
        }
        context.add(context.resource(id, .object(properties), for: manifest))
        for (index, api) in (spec["apis"]?.arrayValue ?? []).enumerated() {
            guard let api = api.stringValue else { continue }
            let linkID = ResourceID(.productApi, product, api)
            context.reference(
                from: linkID, to: .resource(ResourceID(.api, api)), role: "product API",
                at: manifest.location("spec.apis[\(index)]"))
            var link = context.resource(linkID, .object(JSONObject()), for: manifest)
            link.dependencies = [id]
            context.add(link)
        }
        for (index, group) in (spec["groups"]?.arrayValue ?? []).enumerated() {
            guard let group = group.stringValue else { continue }
            if !KindCatalog.builtIns.contains(ResourceID(.group, group)) {
                // A group created outside apimsync (e.g. mirroring Entra ID) may be linked too: only a warning.
                context.reference(
                    from: ResourceID(.productGroup, product, group), to: .resource(ResourceID(.group, group)),
                    role: "product group", at: manifest.location("spec.groups[\(index)]"), required: false)
            }
            var link = context.resource(ResourceID(.productGroup, product, group), .object(JSONObject()), for: manifest)
            link.dependencies = [id]
            context.add(link)
        }
        if spec["policy"] != nil || spec["policyFile"] != nil {
            let policyID = ResourceID(.productPolicy, product)
            if let text = context.policy(in: spec, path: "spec", of: manifest, owner: policyID) {
                var policy = context.resource(policyID, ["format": "rawxml", "value": .string(text)], for: manifest)
                policy.dependencies = [id]
                context.add(policy)
            }
        }
    }

    /// The product with its API and group links and its policy.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        let name = resource.id.name
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .product)
        let apis = context.children(of: resource.id, .productApi).map { JSONValue.string($0.id.name) }
        if !apis.isEmpty { spec["apis"] = .array(apis) }
        let groups = context.children(of: resource.id, .productGroup).map { JSONValue.string($0.id.name) }
        if !groups.isEmpty { spec["groups"] = .array(groups) }
        if let policy = context.live[ResourceID(.productPolicy, name)] {
            spec["policyFile"] = .string(context.policyFile(policy, "products/\(name)"))
        }
        return spec
    }
}
