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
        if spec.extraInboundFile != nil { result.append(fragment()) }
        result.append(api())
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
    }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        ManifestKinds.named(manifest.kind)?.lower(manifest, into: &context)
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
        var generated = GeneratedManifest(
            "Backend", target.backend, at: spec.routing == .pool ? "spec.routing" : "spec.instances", of: gateway,
            spec: [
                "type": "Pool", "description": .string(description), "pool": .array(members),
            ])
        for (position, instance) in target.members.enumerated() {
            let path = "spec.instances[\(instance.index)]"
            generated.map("spec.pool[\(position)].backend", to: path + ".name")
            generated.map("spec.pool[\(position)].priority", to: path + ".priority")
            generated.map("spec.pool[\(position)].weight", to: path + ".weight")
        }
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
        if let metrics = spec.metrics {
            api["diagnostics"] = [
                "applicationinsights": [
                    "loggerId": .string(metrics.loggerId), "alwaysLog": "allErrors", "metrics": true,
                    "sampling": ["samplingType": "fixed", "percentage": .number(metrics.samplingPercentage)],
                ]
            ]
        }
        if let tags = source["tags"] { api["tags"] = tags }
        if let revision = source["revision"] { api["revision"] = revision }
        var generated = GeneratedManifest("Api", spec.name, at: "spec", of: gateway, spec: api)
        generated.mapTree("spec", from: "spec.api")
        generated.map("spec.policy", to: "spec")
        generated.map("spec.diagnostics.applicationinsights", to: "spec.metrics")
        generated.map("spec.diagnostics.applicationinsights.loggerId", to: "spec.metrics.loggerId")
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
