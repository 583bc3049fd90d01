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
            FieldSchema("protocols", .list(.string)),
            FieldSchema("subscriptionRequired", .boolean),
            FieldSchema(
                "subscriptionKeyParameterNames",
                .object(ObjectSchema([FieldSchema("header", .string), FieldSchema("query", .string)]))),
            FieldSchema("serviceUrl", .string(.url)),
            // The API types the spec allows (mcp from 2025-09-01-preview on; validate names the version).
            FieldSchema("type", .string(.oneOf(SpecFacts.allowedValues("ApiContractProperties", "type")))),
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
            // An MCP server built from operations of APIs (`operationId: <api>/<operation>`), or a pass-through to
            // an existing MCP server behind a backend. Field names are APIM's: mcpTools and backendId follow the
            // 2025-09-01-preview example ApiManagementCreateMcpApiFromExistingApi and the AI-Gateway lab
            // (spec/apim/supplements.json), mcpProperties the 2025-09-01-preview spec.
            FieldSchema(
                "mcpTools",
                .list(
                    .object(
                        ObjectSchema([
                            FieldSchema("name", .string, required: true), FieldSchema("description", .string),
                            FieldSchema("operationId", .string, required: true),
                        ])))),
            FieldSchema("backendId", .string),
            FieldSchema(
                "mcpProperties",
                .object(
                    ObjectSchema([
                        FieldSchema("transportType", .string),
                        FieldSchema(
                            "endpoints",
                            .list(
                                .object(
                                    ObjectSchema([
                                        FieldSchema("name", .string, required: true),
                                        FieldSchema("uriTemplate", .string),
                                    ])))),
                    ]))),
            // MCP tools as their own entities (`apis/{api}/tools`, 2025-03-01-preview on), by tool name.
            FieldSchema(
                "tools",
                .map(
                    .object(
                        ObjectSchema([
                            FieldSchema("displayName", .string, required: true),
                            FieldSchema("description", .string),
                            FieldSchema("operationId", .string, required: true),
                        ])))),
        ] + CommonFields.policy, exclusive: [["policy", "policyFile"]])

    /// An operation's id as manifests write it: `<api>/<operation>`.
    static func shortOperation(_ id: String) -> String {
        operationReference(id).map { "\($0.api)/\($0.operation)" } ?? id
    }

    /// `<api>/<operation>`, `/apis/<api>/operations/<operation>` or a full ARM id, as (api, operation).
    static func operationReference(_ text: String) -> (api: String, operation: String)? {
        let relative = ResourceID.serviceRelativePath(text)
        let parts = relative.split(separator: "/").map(String.init)
        if parts.count == 4, parts[0] == "apis", parts[2] == "operations" { return (parts[1], parts[3]) }
        if parts.count == 2 { return (parts[0], parts[1]) }
        return nil
    }

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
            if let text = context.files.read(
                file, what: "specification", limit: InputLimits.maximumSpecificationBytes, at: location,
                diagnostics: &diagnostics)
            {
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
        lowerMCP(manifest, into: &properties, context: &context)
        resource.properties = .object(properties)
        context.add(resource)
        for (name, value) in spec["tools"]?.objectValue ?? JSONObject() {
            let toolID = ResourceID(.apiTool, api, name)
            var tool = ResourceKind.apiTool.descriptor.managedProperties(in: value, except: ["operationId"])
            if let text = value["operationId"]?.stringValue {
                let location = manifest.location("spec.tools.\(name).operationId")
                if let (target, operation) = operationReference(text) ?? (text.contains("/") ? nil : (api, text)) {
                    tool["operationId"] = .string("/apis/\(target)/operations/\(operation)")
                    context.reference(
                        from: toolID, to: .operation(api: target, operation: operation), role: "tool '\(name)'",
                        at: location)
                } else {
                    context.error(
                        "'spec.tools.\(name).operationId' must name an operation ('<operation>' of this API, or "
                            + "'<api>/<operation>'), found '\(text)'", at: location)
                }
            }
            var entity = context.resource(toolID, .object(tool), for: manifest)
            entity.dependencies = [id]
            context.add(entity)
        }

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

    /// An MCP server: `mcpTools` name operations (made full ids), `backendId` a backend; exactly one of them, and
    /// only on `type: mcp` (the rule apiops-cli's test Bicep states; see the design notes on peers, "2026 update").
    static func lowerMCP(_ manifest: DecodedManifest, into properties: inout JSONObject, context: inout LoweringContext)
    {
        let spec = manifest.spec
        let id = ResourceID(.api, manifest.name)
        let isMCP = spec["type"]?.stringValue?.lowercased() == "mcp"
        let given = ["mcpTools", "backendId", "mcpProperties"].filter { spec[$0] != nil }
        if !isMCP {
            for field in given {
                context.error(
                    "'spec.\(field)' belongs to an MCP server: set 'type: mcp'", at: manifest.location("spec.\(field)"))
            }
            return
        }
        switch (spec["mcpTools"] != nil, spec["backendId"] != nil) {
        case (true, true):
            context.error(
                "an MCP server takes either 'mcpTools' (tools from API operations) or 'backendId' (a pass-through to an "
                    + "MCP server), not both", at: manifest.location("spec.backendId"))
        case (false, false) where spec["serviceUrl"] == nil:
            context.error(
                "an MCP server needs 'mcpTools' (tools from API operations) or 'backendId' (a pass-through to an MCP "
                    + "server)", at: manifest.location("spec.type"))
        default: break
        }
        if spec["specification"] != nil {
            context.error(
                "an MCP server is not imported from a specification: its tools name operations of other APIs",
                at: manifest.location("spec.specification"))
        }
        if let backend = spec["backendId"]?.stringValue {
            context.reference(
                from: id, to: .resource(ResourceID(.backend, backend)), role: "backendId",
                at: manifest.location("spec.backendId"))
        }
        var tools: [JSONValue] = []
        for (index, tool) in (spec["mcpTools"]?.arrayValue ?? []).enumerated() {
            var lowered = tool
            let location = manifest.location("spec.mcpTools[\(index)].operationId")
            guard let text = tool["operationId"]?.stringValue, let (api, operation) = operationReference(text) else {
                context.error(
                    "'spec.mcpTools[\(index)].operationId' must be '<api>/<operation>', found "
                        + "'\(tool["operationId"]?.stringValue ?? "")'", at: location)
                continue
            }
            lowered["operationId"] = .string("/apis/\(api)/operations/\(operation)")
            context.reference(
                from: id, to: .operation(api: api, operation: operation),
                role: "MCP tool '\(tool["name"]?.stringValue ?? "")'",
                at: location)
            tools.append(lowered)
        }
        if spec["mcpTools"] != nil { properties["mcpTools"] = .array(tools) }
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
            return try YAMLParser.parse(text, file: file, limits: InputLimits.yaml).first?.root?.jsonValue
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
        if id.kind == .apiTool { return under("spec.tools.\(id.name)") }
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
        if let tools = resource.properties["mcpTools"]?.arrayValue {
            spec["mcpTools"] = .array(tools.map { $0.mappingStrings(at: "operationId", Self.shortOperation) })
        }
        var tools = JSONObject()
        for tool in context.children(of: resource.id, .apiTool) {
            var value = ResourceKind.apiTool.descriptor.managedProperties(in: tool.properties)
            if let operation = value["operationId"]?.stringValue {
                let short = Self.shortOperation(operation)
                value["operationId"] = .string(
                    short.hasPrefix(name + "/") ? String(short.dropFirst(name.count + 1)) : short)
            }
            tools[tool.id.name] = .object(value)
        }
        if !tools.isEmpty { spec["tools"] = .object(tools) }
        return spec
    }
}
