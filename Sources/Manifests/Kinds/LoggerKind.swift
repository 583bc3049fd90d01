import Model

/// `kind: Logger`: Application Insights, Event Hub or Azure Monitor; credentials reference secret named values.
enum LoggerKind: ManifestKind {
    static let kindName = "Logger"
    static let resourceKind: ResourceKind? = .logger
    static let schema = ObjectSchema([
        FieldSchema(
            "loggerType", .string(.oneOf(["applicationInsights", "azureEventHub", "azureMonitor"])), required: true),
        FieldSchema("description", .string),
        FieldSchema("resourceId", .string),
        FieldSchema("credentials", .map(.string)),
        FieldSchema("isBuffered", .boolean),
    ])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let id = ResourceID(.logger, manifest.name)
        let properties = manifest.managedProperties(of: .logger)
        for (key, value) in manifest.spec["credentials"]?.objectValue ?? JSONObject() {
            guard let text = value.stringValue else { continue }
            if key != "name", key != "identityClientId", key != "endpointAddress", !text.contains("{{") {
                context.warning(
                    "logger credential '\(key)' holds a literal value; reference a secret named value instead, "
                        + "e.g. \"{{\(manifest.name)-\(key.lowercased())}}\"",
                    at: manifest.location("spec.credentials.\(key)"))
            }
        }
        BackendKind.recordNamedValueReferences(
            in: manifest.spec["credentials"], path: "spec.credentials", of: manifest, owner: id, context: &context)
        context.add(context.resource(id, .object(properties), for: manifest))
    }

    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        let spec = ExportContext.fields(resource.properties, of: schema, kind: .logger)
        let masked = (spec["credentials"]?.objectValue ?? JSONObject()).contains {
            $0.value.stringValue?.hasPrefix("{{Logger-Credentials") == true
        }
        if masked {
            context.note(
                "logger '\(resource.id.name)': APIM returns its credentials masked; point spec.credentials at a "
                    + "secret named value (e.g. \"{{\(resource.id.name)-connection-string}}\") before applying")
        }
        return spec
    }
}
