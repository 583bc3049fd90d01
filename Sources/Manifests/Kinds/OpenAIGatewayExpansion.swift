import Model

/// Expands a checked `OpenAIGateway` into manifests of plain kinds and lowers them with those kinds, so generated
/// resources get exactly the checks hand-written ones get. Their locations point at the gateway manifest's fields.
struct GatewayExpansion {
    var spec: GatewaySpec
    var gateway: DecodedManifest

    static let breakerRule = "openai-throttling"

    /// `<gateway>-<instance>-key`: the secret named value with an instance's API key.
    static func keyName(_ instance: GatewaySpec.Instance, spec: GatewaySpec) -> String {
        "\(spec.name)-\(instance.name)-key"
    }

    /// `<gateway>-extra-inbound`: the fragment made of `extraPolicy.inboundFile`.
    static func fragmentName(_ spec: GatewaySpec) -> String { "\(spec.name)-extra-inbound" }

    /// `<gateway>-<tier>`: a product tier.
    static func productName(_ tier: GatewaySpec.Tier, spec: GatewaySpec) -> String { "\(spec.name)-\(tier.name)" }

    /// The generated manifests, in a fixed order: named values, backends, pools, fragment, API, products.
    var manifests: [DecodedManifest] {
        var result: [GeneratedManifest] = []
        if spec.authMode == .apiKey {
            for instance in spec.instances { result.append(namedValue(instance)) }
        }
        for instance in spec.instances { result.append(backend(instance)) }
        for pool in spec.pools { result.append(self.pool(pool)) }
        if let embeddings = embeddingsBackend() { result.append(embeddings) }
        if let safety = spec.contentSafety { result.append(contentSafetyBackend(safety)) }
        if spec.extraInboundFile != nil { result.append(fragment()) }
        result.append(api())
        if let mcp = spec.mcp { result.append(mcpServer(mcp)) }
        for tier in spec.tiers { result.append(product(tier)) }
        return result.map(\.manifest)
    }

    /// Lowers the generated manifests. The API and products come last: when the extra inbound file is unusable
    /// (already reported), the API policy leaves out its `<include-fragment>` rather than report it again.
    func lower(into context: inout LoweringContext) {
        // Names first: a generated name APIM would refuse stops the expansion, so that nothing refers to it.
        var namesAreValid = true
        for manifest in manifests {
            guard let problem = ManifestKinds.named(manifest.kind)?.validateName(manifest.name) else { continue }
            context.error(
                "generated \(manifest.kind) name '\(manifest.name)' is invalid: \(problem)", at: manifest.origin)
            namesAreValid = false
        }
        guard namesAreValid else { return }
        let isLast: (DecodedManifest) -> Bool = { $0.kind == "Api" || $0.kind == "Product" }
        for manifest in manifests where !isLast(manifest) { Self.lower(manifest, into: &context) }
        var rest = self
        let fragment = ResourceID(.policyFragment, Self.fragmentName(spec))
        if spec.extraInboundFile != nil, !context.resources.contains(where: { $0.id == fragment }) {
            rest.spec.extraInboundFile = nil
        }
        for manifest in rest.manifests where isLast(manifest) { Self.lower(manifest, into: &context) }
        if let cache = spec.semanticCache {
            context.reference(
                from: ResourceID(.api, spec.name), to: .resource(ResourceID(.cache, cache.cache)),
                role: "semanticCache.cache", at: gateway.location("spec.semanticCache.cache"))
        }
    }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let before = context.resources.count
        ManifestKinds.named(manifest.kind)?.lower(manifest, into: &context)
        for resource in context.resources.dropFirst(before) { context.generatedFrom[resource.id] = manifest }
    }

    // MARK: Generated manifests

    func namedValue(_ instance: GatewaySpec.Instance) -> GeneratedManifest {
        let name = Self.keyName(instance, spec: spec)
        var generated = GeneratedManifest(
            "NamedValue", name, at: "spec.instances[\(instance.index)]", of: gateway,
            spec: [
                "displayName": .string(name), "secret": true,
                "valueFrom": ["env": .string(GatewaySpec.keyVariable(instance.name))],
            ])
        generated.map("spec.valueFrom", to: "spec.auth.mode")
        return generated
    }

    func backend(_ instance: GatewaySpec.Instance) -> GeneratedManifest {
        let path = "spec.instances[\(instance.index)]"
        var spec: JSONValue = [
            "url": .string(instance.endpoint + "/openai"), "protocol": "http",
            "description": .string("Azure OpenAI instance \(instance.name)"),
        ]
        if self.spec.authMode == .apiKey {
            spec["credentials"] = ["header": ["api-key": [.string("{{\(Self.keyName(instance, spec: self.spec))}}")]]]
        }
        spec["circuitBreaker"] = ["rules": [circuitBreakerRule]]
        spec["tls"] = ["validateCertificateChain": true, "validateCertificateName": true]
        var generated = GeneratedManifest(
            "Backend", self.spec.backendName(instance), at: path, of: gateway, spec: spec)
        generated.map("spec.url", to: path + ".endpoint")
        generated.map("spec.credentials", to: "spec.auth.mode")
        generated.map("spec.circuitBreaker", to: "spec.circuitBreaker")
        return generated
    }

    var circuitBreakerRule: JSONValue {
        let breaker = gateway.spec["circuitBreaker"]
        let codes = breaker?["statusCodes"]?.arrayValue?.compactMap(\.stringValue) ?? ["429"]
        let ranges = codes.compactMap(GatewaySpec.statusRange).map { range -> JSONValue in
            ["min": .number(Double(range.lowerBound)), "max": .number(Double(range.upperBound))]
        }
        return [
            "name": .string(Self.breakerRule),
            "failureCondition": [
                "count": breaker?["failures"] ?? 1, "interval": breaker?["interval"] ?? "PT1M",
                "statusCodeRanges": .array(ranges),
            ],
            "tripDuration": breaker?["tripDuration"] ?? "PT1M",
            "acceptRetryAfter": breaker?["acceptRetryAfter"] ?? true,
        ]
    }

    func pool(_ target: GatewaySpec.Target) -> GeneratedManifest {
        let description =
            spec.routing == .pool
            ? "Pool of every instance, for every deployment"
            : "Pool of the instances hosting "
                + spec.routes.filter { $0.target.backend == target.backend }.map(\.deployment).joined(separator: ", ")
        var members: [JSONValue] = []
        for instance in target.members {
            var member: JSONValue = ["backend": .string(spec.backendName(instance))]
            if let priority = instance.priority { member["priority"] = .number(Double(priority)) }
            if let weight = instance.weight { member["weight"] = .number(Double(weight)) }
            members.append(member)
        }
        // Session affinity keeps a client on one instance (a cookie APIM sets), for the Responses and Assistants
        // APIs that keep state on the instance (AI-Gateway lab session-awareness).
        let pool: JSONValue =
            spec.sessionAffinityCookie.map { cookie in
                [
                    "services": .array(members),
                    "sessionAffinity": ["sessionId": ["source": "cookie", "name": .string(cookie)]],
                ]
            } ?? .array(members)
        var generated = GeneratedManifest(
            "Backend", target.backend, at: spec.routing == .pool ? "spec.routing" : "spec.instances", of: gateway,
            spec: ["type": "Pool", "description": .string(description), "pool": pool])
        let membersPath = spec.sessionAffinityCookie == nil ? "spec.pool" : "spec.pool.services"
        for (position, instance) in target.members.enumerated() {
            let path = "spec.instances[\(instance.index)]"
            generated.map("\(membersPath)[\(position)].backend", to: path + ".name")
            generated.map("\(membersPath)[\(position)].priority", to: path + ".priority")
            generated.map("\(membersPath)[\(position)].weight", to: path + ".weight")
        }
        generated.map("spec.pool.sessionAffinity", to: "spec.sessionAffinity")
        return generated
    }

    /// `<gateway>-embeddings`: the embeddings deployment of the first instance hosting it, for the semantic cache.
    func embeddingsBackend() -> GeneratedManifest? {
        guard let deployment = spec.semanticCache?.embeddingsDeployment,
            let instance = spec.instances.first(where: { $0.deployments.contains(deployment) })
        else { return nil }
        var backend: JSONValue = [
            "url": .string("\(instance.endpoint)/openai/deployments/\(deployment)/embeddings"), "protocol": "http",
            "description": .string("Embeddings (\(deployment) on \(instance.name)) for the semantic cache"),
        ]
        if spec.authMode == .apiKey {
            backend["credentials"] = ["header": ["api-key": [.string("{{\(Self.keyName(instance, spec: spec))}}")]]]
        }
        var generated = GeneratedManifest(
            "Backend", "\(spec.name)-embeddings", at: "spec.semanticCache.embeddings", of: gateway, spec: backend)
        generated.map("spec.url", to: "spec.semanticCache.embeddings.deployment")
        return generated
    }

    /// `<gateway>-content-safety`: Azure AI Content Safety, reached with APIM's managed identity.
    func contentSafetyBackend(_ safety: GatewaySpec.ContentSafety) -> GeneratedManifest {
        var generated = GeneratedManifest(
            "Backend", "\(spec.name)-content-safety", at: "spec.contentSafety", of: gateway,
            spec: [
                "url": .string(safety.endpoint), "protocol": "http",
                "description": .string("Azure AI Content Safety for OpenAIGateway/\(spec.name)"),
                // Backend credentials by managed identity (spec/apim/supplements.json).
                "credentials": ["managedIdentity": ["resource": "https://cognitiveservices.azure.com"]],
            ])
        generated.map("spec.url", to: "spec.contentSafety.endpoint")
        generated.map("spec.credentials", to: "spec.contentSafety")
        return generated
    }

    /// `<gateway>-mcp`: an MCP server whose tools are the chosen operations of the gateway's API.
    func mcpServer(_ mcp: GatewaySpec.MCP) -> GeneratedManifest {
        let tools: [JSONValue] = mcp.operations.map { operation in
            [
                "name": .string(operation), "description": .string("\(operation) of \(spec.name)"),
                "operationId": .string("\(spec.name)/\(operation)"),
            ]
        }
        var generated = GeneratedManifest(
            "Api", "\(spec.name)-mcp", at: "spec.mcp", of: gateway,
            spec: [
                "displayName": .string(mcp.displayName), "path": .string(mcp.path), "type": "mcp",
                "protocols": ["https"], "mcpTools": .array(tools),
            ])
        for index in mcp.operations.indices {
            generated.map("spec.mcpTools[\(index)].operationId", to: "spec.mcp.operations[\(index)]")
        }
        generated.map("spec.type", to: "spec.mcp")
        return generated
    }

    func fragment() -> GeneratedManifest {
        var generated = GeneratedManifest(
            "PolicyFragment", Self.fragmentName(spec), at: "spec.extraPolicy", of: gateway,
            spec: [
                "description": .string("Extra inbound policy of OpenAIGateway/\(spec.name)"),
                "policyFile": gateway.spec["extraPolicy"]?["inboundFile"] ?? "",
            ])
        generated.map("spec.policyFile", to: "spec.extraPolicy.inboundFile")
        return generated
    }

    func api() -> GeneratedManifest {
        let source = gateway.spec["api"] ?? .object(JSONObject())
        var api: JSONValue = ["displayName": source["displayName"] ?? .string(spec.name)]
        if let description = source["description"] { api["description"] = description }
        // The SDKs call `<azure_endpoint>/openai/deployments/…`: with `azure_endpoint` = `https://<apim>/<api.path>`,
        // the API lives at `<api.path>/openai` (APIM's "ensure OpenAI SDK compatibility").
        api["path"] = .string(spec.apiPath)
        api["protocols"] = ["https"]
        api["subscriptionRequired"] = true
        // The Azure OpenAI SDKs send their key in `api-key`: it carries the APIM subscription key.
        api["subscriptionKeyParameterNames"] = ["header": "api-key", "query": "api-key"]
        if let specification = source["specification"] { api["specification"] = specification }
        api["policy"] = .string(GatewayPolicy.api(spec))
        if let operations = source["operations"] { api["operations"] = operations }
        var diagnostics = JSONObject()
        if let metrics = spec.metrics {
            diagnostics["applicationinsights"] = [
                "loggerId": .string(metrics.loggerId), "alwaysLog": "allErrors", "metrics": true,
                "sampling": ["samplingType": "fixed", "percentage": .number(metrics.samplingPercentage)],
            ]
        }
        if let logging = spec.logging {
            // LLM messages are logged through an Azure Monitor logger (learn: api-management-howto-llm-logs).
            var llm: JSONValue = ["logs": "enabled"]
            if logging.messages {
                var messages: JSONValue = ["messages": "all"]
                if let size = logging.maxSizeInBytes { messages["maxSizeInBytes"] = .number(Double(size)) }
                llm["requests"] = messages
                llm["responses"] = messages
            }
            diagnostics["azuremonitor"] = ["loggerId": .string(logging.loggerId), "largeLanguageModel": llm]
        }
        if !diagnostics.isEmpty { api["diagnostics"] = .object(diagnostics) }
        if let tags = source["tags"] { api["tags"] = tags }
        if let revision = source["revision"] { api["revision"] = revision }
        var generated = GeneratedManifest("Api", spec.name, at: "spec", of: gateway, spec: api)
        generated.mapTree("spec", from: "spec.api")
        generated.map("spec.policy", to: "spec")
        generated.map("spec.diagnostics.applicationinsights", to: "spec.metrics")
        generated.map("spec.diagnostics.applicationinsights.loggerId", to: "spec.metrics.loggerId")
        generated.map("spec.diagnostics.azuremonitor", to: "spec.logging")
        generated.map("spec.diagnostics.azuremonitor.loggerId", to: "spec.logging.loggerId")
        return generated
    }

    func product(_ tier: GatewaySpec.Tier) -> GeneratedManifest {
        let path = "spec.products[\(tier.index)]"
        let source = gateway.spec["products"]?.arrayValue?[tier.index] ?? .object(JSONObject())
        var product: JSONValue = ["displayName": source["displayName"] ?? .string(tier.name)]
        if let description = source["description"] { product["description"] = description }
        product["subscriptionRequired"] = true
        product["approvalRequired"] = source["approvalRequired"] ?? false
        product["state"] = "published"
        product["apis"] = [.string(spec.name)]
        if let groups = source["groups"] { product["groups"] = groups }
        product["policy"] = .string(GatewayPolicy.product(tier, spec: spec))
        var generated = GeneratedManifest(
            "Product", Self.productName(tier, spec: spec), at: path, of: gateway, spec: product)
        generated.mapTree("spec", from: path)
        generated.map("spec.apis[0]", to: "spec.api")
        generated.map("spec.policy", to: path)
        return generated
    }
}

/// A manifest of a plain kind made by a macro, whose locations are those of the macro manifest's fields.
struct GeneratedManifest {
    var manifest: DecodedManifest
    let source: DecodedManifest

    /// A `kind` manifest named `name`, declared at the source's field `path`.
    init(_ kind: String, _ name: String, at path: String, of source: DecodedManifest, spec: JSONValue) {
        self.source = source
        let origin = path == "spec" ? source.origin : source.location(path)
        manifest = DecodedManifest(
            kind: kind, name: name, origin: origin, nameLocation: origin, reconcile: source.reconcile, spec: spec,
            locations: [:], generatedBy: "\(source.kind)/\(source.name)")
    }

    /// Reports problems at the generated `path` at the source's `sourcePath`.
    mutating func map(_ path: String, to sourcePath: String) {
        manifest.locations[path] = source.location(sourcePath)
    }

    /// Maps every decoded location under the source's `sourcePrefix` to the same place under `prefix`.
    mutating func mapTree(_ prefix: String, from sourcePrefix: String) {
        for (key, location) in source.locations {
            guard key == sourcePrefix || key.hasPrefix(sourcePrefix + ".") || key.hasPrefix(sourcePrefix + "[")
            else { continue }
            manifest.locations[prefix + key.dropFirst(sourcePrefix.count)] = location
        }
    }
}
