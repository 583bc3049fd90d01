import Model
import YAML

/// `kind: Api`: an API, imported from a specification file, with its policy, per-operation policies, diagnostics
/// and tag assignments (each lowered to its own APIM entity).
enum ApiKind: ManifestKind {
    static let kindName = "Api"
    static let resourceKind: ResourceKind? = .api
    static let formats = ["openapi", "openapi+json", "swagger-json"]
    static let policyObject = FieldType.object(
        ObjectSchema(CommonFields.policy, exclusive: [["policy", "policyFile"]]))

    static let schema = ObjectSchema(
        [
            FieldSchema(
                "displayName",
                .string(.pattern(description: "must be 1–300 characters", matches: { !$0.isEmpty && $0.count <= 300 })),
                required: true),
            FieldSchema(
                "path",
                .string(
                    .pattern(
                        description: "must be a relative URL suffix of at most 400 characters, not starting with '/'",
                        matches: { $0.count <= 400 && !$0.hasPrefix("/") })),
                required: true),
            FieldSchema("description", .string),
            FieldSchema("protocols", .list(.string(.oneOf(["http", "https", "ws", "wss"])))),
            FieldSchema("subscriptionRequired", .boolean),
            FieldSchema(
                "subscriptionKeyParameterNames",
                .object(ObjectSchema([FieldSchema("header", .string), FieldSchema("query", .string)]))),
            FieldSchema("serviceUrl", .string(.url)),
            FieldSchema("type", .string(.oneOf(["http", "soap", "websocket", "graphql"]))),
            FieldSchema("apiVersion", .string),
            FieldSchema("apiVersionSet", .string),
            FieldSchema(
                "revision",
                .object(
                    ObjectSchema([
                        FieldSchema("number", .integer(1...Int(Int32.max)), required: true),
                        FieldSchema("description", .string),
                    ]))),
            FieldSchema(
                "specification",
                .object(
                    ObjectSchema([
                        FieldSchema("file", .string, required: true), FieldSchema("format", .string(.oneOf(formats))),
                    ]))),
            FieldSchema("operations", .map(policyObject)),
            FieldSchema("diagnostics", .map(.object(ObjectSchema(CommonFields.diagnostic)))),
            FieldSchema("tags", .list(.string)),
        ] + CommonFields.policy, exclusive: [["policy", "policyFile"]])

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let api = manifest.name
        let id = ResourceID(.api, api)
        let spec = manifest.spec
        var properties = manifest.managedProperties(of: .api)
        if let revision = spec["revision"], let number = revision["number"]?.numberValue {
            // APIM spells revisions as strings; the description travels with a new revision.
            properties["apiRevision"] = .string(String(Int(number)))
            if let description = revision["description"] { properties["apiRevisionDescription"] = description }
        }
        var resource = context.resource(id, .null, for: manifest)
        if let versionSet = spec["apiVersionSet"]?.stringValue {
            properties["apiVersionSetId"] = .string("/apiVersionSets/\(versionSet)")
            context.reference(
                from: id, to: .resource(ResourceID(.apiVersionSet, versionSet)), role: "apiVersionSet",
                at: manifest.location("spec.apiVersionSet"))
        }
        var operations: [OpenAPIImport.Operation]?
        if let file = spec["specification"]?["file"]?.stringValue {
            let location = manifest.location("spec.specification.file")
            var diagnostics: [Diagnostic] = []
            if let text = context.files.read(file, what: "specification", at: location, diagnostics: &diagnostics) {
                context.recordSource(context.files.displayPath(file), for: id)
                let format = spec["specification"]?["format"]?.stringValue ?? defaultFormat(file: file, text: text)
                if let document = parseSpecification(
                    text, file: context.files.displayPath(file), at: location, context: &context)
                {
                    if document["paths"]?.objectValue == nil {
                        context.error(
                            "specification '\(file)' has no 'paths'; it is not an OpenAPI document", at: location)
                    } else {
                        operations = OpenAPIImport.operations(in: document)
                    }
                }
                resource.specification = APISpecification(
                    format: format, content: text, file: file, operations: operations ?? [])
            }
            for diagnostic in diagnostics { context.error(diagnostic.message, at: diagnostic.location) }
        }
        resource.properties = .object(properties)
        context.add(resource)

        if spec["policy"] != nil || spec["policyFile"] != nil {
            let policyID = ResourceID(.apiPolicy, api)
            if let text = context.policy(in: spec, path: "spec", of: manifest, owner: policyID) {
                var policy = context.resource(policyID, ["format": "rawxml", "value": .string(text)], for: manifest)
                policy.dependencies = [id]
                context.add(policy)
            }
        }
        for (operation, value) in spec["operations"]?.objectValue ?? JSONObject() {
            let location = manifest.location("spec.operations.\(operation)")
            if let operationNames = operations?.map(\.name), !operationNames.contains(operation) {
                context.error(
                    "operation '\(operation)' is not in the specification (operations are named by their normalised "
                        + "operationId)" + Suggestions.hint(for: operation, in: operationNames), at: location)
                continue
            }
            let policyID = ResourceID(.apiOperationPolicy, api, operation)
            guard value["policy"] != nil || value["policyFile"] != nil else {
                context.error("operation '\(operation)' needs 'policyFile' or 'policy'", at: location)
                continue
            }
            if let text = context.policy(in: value, path: "spec.operations.\(operation)", of: manifest, owner: policyID)
            {
                var policy = context.resource(policyID, ["format": "rawxml", "value": .string(text)], for: manifest)
                policy.dependencies = [id]
                context.add(policy)
            }
        }
        for (name, value) in spec["diagnostics"]?.objectValue ?? JSONObject() {
            if let problem = NameRules.entityID(name, maxLength: 80) {
                context.error("diagnostic \(problem)", at: manifest.location("spec.diagnostics.\(name)"))
                continue
            }
            let diagnosticID = ResourceID(.apiDiagnostic, api, name)
            let properties = DiagnosticKind.diagnosticProperties(
                value, path: "spec.diagnostics.\(name)", of: manifest, owner: diagnosticID, context: &context)
            var diagnostic = context.resource(diagnosticID, properties, for: manifest)
            diagnostic.dependencies = [id]
            context.add(diagnostic)
        }
        for (index, tag) in (spec["tags"]?.arrayValue ?? []).enumerated() {
            guard let tag = tag.stringValue else { continue }
            let linkID = ResourceID(.apiTag, api, tag)
            context.reference(
                from: linkID, to: .resource(ResourceID(.tag, tag)), role: "tag",
                at: manifest.location("spec.tags[\(index)]"))
            var link = context.resource(linkID, .object(JSONObject()), for: manifest)
            link.dependencies = [id]
            context.add(link)
        }
    }

    /// `openapi` for YAML files, `swagger-json` for Swagger 2.0 JSON, otherwise `openapi+json`.
    static func defaultFormat(file: String, text: String) -> String {
        if file.hasSuffix(".yaml") || file.hasSuffix(".yml") { return "openapi" }
        return text.prefix(2000).contains("\"swagger\"") ? "swagger-json" : "openapi+json"
    }

    static func parseSpecification(
        _ text: String, file: String, at location: SourceLocation, context: inout LoweringContext
    ) -> JSONValue? {
        if file.hasSuffix(".json") {
            do {
                return try JSONValue.parse(text)
            } catch {
                context.error(
                    "specification '\(file)' is not valid JSON: \(error.message) at byte \(error.offset)", at: location)
                return nil
            }
        }
        do {
            return try YAMLParser.parse(text, file: file).first?.root?.jsonValue
        } catch {
            context.error(error.message, at: error.mark.location)
            return nil
        }
    }

    /// The API's own fields, its revision, and the children written under `spec.diagnostics.<name>` and
    /// `spec.operations.<name>`.
    static func manifestPath(forProperty property: String, of id: ResourceID, in manifest: DecodedManifest) -> String? {
        guard id.names.first == manifest.name else { return nil }
        func under(_ base: String) -> String { property.isEmpty ? base : base + "." + property }
        if id.kind == .apiDiagnostic { return under("spec.diagnostics.\(id.name)") }
        if id.kind == .apiOperationPolicy { return under("spec.operations.\(id.names[1])") }
        guard id.kind == .api else { return "spec" }
        switch property {
        case "apiVersionSetId": return "spec.apiVersionSet"
        case "apiRevision": return "spec.revision.number"
        case "apiRevisionDescription": return "spec.revision.description"
        default: return under("spec")
        }
    }

    /// The API with its definition (as APIM exports it), policies, diagnostics and tags.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        let name = resource.id.name
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .api)
        spec["apiRevision"] = nil
        if let versionSet = resource.properties["apiVersionSetId"]?.stringValue {
            spec["apiVersionSet"] = .string(ExportContext.name(of: versionSet))
        }
        if let revision = resource.properties["apiRevision"]?.stringValue.flatMap({ Int($0) }), revision > 1 {
            spec["revision"] = ["number": .number(Double(revision))]
        }
        if let definition = context.definitions[name] {
            let path = "specs/\(name).json"
            context.write(path, definition)
            spec["specification"] = ["file": .string(path), "format": "openapi+json"]
        }
        if let policy = context.live[ResourceID(.apiPolicy, name)] {
            spec["policyFile"] = .string(context.policyFile(policy, "apis/\(name)"))
        }
        var operations = JSONObject()
        for policy in context.live.resources(of: .apiOperationPolicy) where policy.id.names[0] == name {
            let operation = policy.id.names[1]
            operations[operation] = ["policyFile": .string(context.policyFile(policy, "apis/\(name)/\(operation)"))]
        }
        if !operations.isEmpty { spec["operations"] = .object(operations) }
        var diagnostics = JSONObject()
        for child in context.children(of: resource.id, .apiDiagnostic) {
            diagnostics[child.id.name] = .object(DiagnosticKind.exportSpec(child))
        }
        if !diagnostics.isEmpty { spec["diagnostics"] = .object(diagnostics) }
        let tags = context.children(of: resource.id, .apiTag).map { JSONValue.string($0.id.name) }
        if !tags.isEmpty { spec["tags"] = .array(tags) }
        return spec
    }
}
