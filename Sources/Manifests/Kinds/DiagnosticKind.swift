import Model

/// `kind: Diagnostic`: a service-level diagnostic; API-level ones live under `Api.spec.diagnostics`.
enum DiagnosticKind: ManifestKind {
    static let kindName = "Diagnostic"
    static let resourceKind: ResourceKind? = .diagnostic
    static let schema = ObjectSchema(CommonFields.diagnostic)

    static func validateName(_ name: String) -> String? { NameRules.entityID(name, maxLength: 80) }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let id = ResourceID(.diagnostic, manifest.name)
        let properties = diagnosticProperties(manifest.spec, path: "spec", of: manifest, owner: id, context: &context)
        context.add(context.resource(id, properties, for: manifest))
    }

    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        exportSpec(resource)
    }

    /// A diagnostic's manifest fields, with the logger by name; shared with `Api.spec.diagnostics`.
    static func exportSpec(_ resource: Resource) -> JSONObject {
        var spec = ExportContext.fields(resource.properties, of: schema, kind: resource.id.kind)
        if let logger = resource.properties["loggerId"]?.stringValue {
            spec["loggerId"] = .string(ExportContext.name(of: logger))
        }
        return spec
    }

    /// The ARM properties of a diagnostic, with `loggerId` as a service-relative id and its reference recorded.
    static func diagnosticProperties(
        _ spec: JSONValue, path: String, of manifest: DecodedManifest, owner: ResourceID, context: inout LoweringContext
    ) -> JSONValue {
        var properties = spec
        if let logger = spec["loggerId"]?.stringValue {
            let name = logger.split(separator: "/").last.map(String.init) ?? logger
            properties["loggerId"] = .string("/loggers/\(name)")
            context.reference(
                from: owner, to: .resource(ResourceID(.logger, name)), role: "loggerId",
                at: manifest.location(path + ".loggerId"))
        }
        return properties
    }
}
