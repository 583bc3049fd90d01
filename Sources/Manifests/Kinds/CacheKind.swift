import Model

/// `kind: Cache`: an external Redis cache. Its connection string holds the access key, so it is read at apply time
/// from the environment or a file (`connectionStringFrom`), never written in git; `useFromLocation` is the
/// gateway region that uses it (`default` for all), and defaults to the cache's name.
enum CacheKind: ManifestKind {
    static let kindName = "Cache"
    static let resourceKind: ResourceKind? = .cache

    static let schema = ObjectSchema([
        FieldSchema("description", .string),
        FieldSchema(
            "connectionStringFrom",
            .object(
                ObjectSchema(
                    [FieldSchema("env", .string), FieldSchema("file", .string)], exclusive: [["env", "file"]])),
            required: true),
        FieldSchema("useFromLocation", .string),
        FieldSchema("resourceId", .string),
    ])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        var resource = context.resource(ResourceID(.cache, manifest.name), .null, for: manifest)
        var properties = manifest.managedProperties(of: .cache)
        if properties["useFromLocation"] == nil { properties["useFromLocation"] = .string(manifest.name) }
        switch (
            manifest.spec["connectionStringFrom"]?["env"]?.stringValue,
            manifest.spec["connectionStringFrom"]?["file"]?.stringValue
        ) {
        case (let env?, _): resource.secrets["connectionString"] = .environment(env)
        case (_, let file?): resource.secrets["connectionString"] = .file(file)
        default:
            context.error(
                "'spec.connectionStringFrom' needs 'env' or 'file'", at: manifest.location("spec.connectionStringFrom"))
        }
        resource.properties = .object(properties)
        context.add(resource)
    }

    /// The connection string is never read: the manifest names the variable it must come from.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .cache)
        let variable = ManifestExporter.environmentVariable(for: "cache-\(resource.id.name)-connection-string")
        spec["connectionStringFrom"] = ["env": .string(variable)]
        context.note("cache '\(resource.id.name)' needs its connection string: set \(variable) where apimsync runs")
        return spec
    }
}
