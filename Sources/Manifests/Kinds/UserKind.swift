import Model

/// `kind: User`: a developer-portal user, with the groups it belongs to. Subscriptions name their owner with
/// `Subscription.spec.owner`. A password is never written in git: APIM sends the user an invitation or a sign-up
/// confirmation instead (`confirmation`).
enum UserKind: ManifestKind {
    static let kindName = "User"
    static let resourceKind: ResourceKind? = .user

    static let schema = ObjectSchema([
        FieldSchema("firstName", .string, required: true),
        FieldSchema("lastName", .string, required: true),
        FieldSchema("email", .string, required: true),
        FieldSchema("state", .string),
        FieldSchema("note", .string),
        FieldSchema("groups", .list(.string)),
    ])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let id = ResourceID(.user, manifest.name)
        context.add(context.resource(id, .object(manifest.managedProperties(of: .user)), for: manifest))
        for (index, group) in (manifest.spec["groups"]?.arrayValue ?? []).enumerated() {
            guard let group = group.stringValue else { continue }
            let membership = ResourceID(.groupUser, group, manifest.name)
            if !KindCatalog.builtIns.contains(ResourceID(.group, group)) {
                context.reference(
                    from: membership, to: .resource(ResourceID(.group, group)), role: "user group",
                    at: manifest.location("spec.groups[\(index)]"))
            }
            var link = context.resource(membership, .object(JSONObject()), for: manifest)
            link.dependencies = [id]
            context.add(link)
        }
    }

    /// The user with the groups it is a member of.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .user)
        let groups = context.live.resources(of: .groupUser).filter { $0.id.name == resource.id.name }
            .map { JSONValue.string($0.id.names[0]) }
        if !groups.isEmpty { spec["groups"] = .array(groups) }
        return spec
    }

    /// Memberships are written under `spec.groups`.
    static func manifestPath(forProperty property: String, of id: ResourceID, in manifest: DecodedManifest) -> String? {
        guard id.name == manifest.name else { return nil }
        return id.kind == .user ? (property.isEmpty ? "spec" : "spec." + property) : "spec.groups"
    }
}
