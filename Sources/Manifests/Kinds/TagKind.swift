import Model

/// `kind: Tag`: an APIM tag entity, assigned to APIs with `Api.spec.tags`.
enum TagKind: ManifestKind {
    static let kindName = "Tag"
    static let resourceKind: ResourceKind? = .tag
    static let schema = ObjectSchema([
        FieldSchema(
            "displayName",
            .string(.pattern(description: "must be 1–160 characters", matches: { !$0.isEmpty && $0.count <= 160 })),
            required: true)
    ])

    static func validateName(_ name: String) -> String? { NameRules.entityID(name, maxLength: 80) }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        context.add(context.resource(ResourceID(.tag, manifest.name), manifest.spec, for: manifest))
    }
}
