import Model

/// `kind: ApiVersionSet`: groups versions of an API by path segment, query parameter or header.
enum ApiVersionSetKind: ManifestKind {
    static let kindName = "ApiVersionSet"
    static let resourceKind: ResourceKind? = .apiVersionSet
    static let schema = ObjectSchema([
        FieldSchema("displayName", .string, required: true),
        FieldSchema("versioningScheme", .string(.oneOf(["Segment", "Query", "Header"])), required: true),
        FieldSchema("description", .string),
        FieldSchema("versionQueryName", .string),
        FieldSchema("versionHeaderName", .string),
    ])

    static func validateName(_ name: String) -> String? { NameRules.entityID(name, maxLength: 80) }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let spec = manifest.spec
        switch spec["versioningScheme"]?.stringValue {
        case "Query" where spec["versionQueryName"] == nil:
            context.error(
                "'versioningScheme: Query' needs 'versionQueryName'", at: manifest.location("spec.versioningScheme"))
        case "Header" where spec["versionHeaderName"] == nil:
            context.error(
                "'versioningScheme: Header' needs 'versionHeaderName'", at: manifest.location("spec.versioningScheme"))
        default: break
        }
        context.add(context.resource(ResourceID(.apiVersionSet, manifest.name), spec, for: manifest))
    }
}
