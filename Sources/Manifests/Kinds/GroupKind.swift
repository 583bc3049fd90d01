import Model

/// `kind: Group`: a custom group (or one mirroring an Entra ID group, `type: external`), linked to products with
/// `Product.spec.groups`. The built-in groups exist in every service and cannot be declared.
enum GroupKind: ManifestKind {
    static let kindName = "Group"
    static let resourceKind: ResourceKind? = .group
    static let schema = ObjectSchema([
        FieldSchema(
            "displayName",
            .string(.pattern(description: "must be 1–300 characters", matches: { !$0.isEmpty && $0.count <= 300 })),
            required: true),
        FieldSchema("description", .string),
        FieldSchema("type", .string(.oneOf(["custom", "external"]))),
        FieldSchema("externalId", .string),
    ])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        if KindCatalog.builtIns.contains(ResourceID(.group, manifest.name)) {
            context.error(
                "group '\(manifest.name)' is built in: every service has it and it cannot be declared",
                at: manifest.nameLocation)
            return
        }
        if manifest.spec["type"]?.stringValue == "external", manifest.spec["externalId"] == nil {
            context.error(
                "an external group needs 'externalId' (aad://<tenant>/groups/<object id>)",
                at: manifest.location("spec"))
        }
        context.add(context.resource(ResourceID(.group, manifest.name), manifest.spec, for: manifest))
    }
}
