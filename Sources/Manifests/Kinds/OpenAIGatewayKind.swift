import Model

/// `kind: OpenAIGateway`: the whole "Azure OpenAI behind APIM" pattern in one manifest, expanded into plain
/// resources that go through the same lowering and reference checks as hand-written ones.
///
/// Generated names (`<gateway>` is `metadata.name`):
/// - `backends/<gateway>-<instance>`: one backend per instance, URL `<endpoint>/openai`, with a circuit breaker;
/// - `backends/<gateway>-<deployment>-pool`: one pool per deployment hosted by two or more instances (routing by
///   deployment), or `backends/<gateway>-pool` over every instance (routing by pool); a deployment hosted once is
///   routed to its instance's backend directly;
/// - `namedValues/<gateway>-<instance>-key`: the secret API key of each instance with `auth.mode: apiKey`, read at
///   apply time from the environment variable `<INSTANCE>_API_KEY` (upper case, other characters as `_`);
/// - `apis/<gateway>` at path `<api.path>/openai` (what the Azure OpenAI SDKs call when `azure_endpoint` is
///   `https://<apim>.azure-api.net/<api.path>`; `api.sdkCompatible: false` keeps `api.path` as it is) with its
///   generated policy, `apis/<gateway>/diagnostics/applicationinsights` when `metrics` is
///   set, and the operation policies and tags given under `api`;
/// - `policyFragments/<gateway>-extra-inbound` from `extraPolicy.inboundFile`, included at the end of `<inbound>`;
/// - `products/<gateway>-<tier>` per product tier, with its API link, groups and token-limit policy.
///
/// Every generated resource carries `generatedBy: OpenAIGateway/<gateway>`.
enum OpenAIGatewayKind: ManifestKind {
    static let kindName = "OpenAIGateway"
    static let resourceKind: ResourceKind? = nil

    /// Azure OpenAI deployment names (letters, digits, `-`, `_`, `.`; 1–64), also safe inside policy text.
    static let simpleName = StringRule.pattern(
        description: "must be 1–64 letters, digits, '-', '_' or '.'",
        matches: { name in
            !name.isEmpty && name.count <= 64
                && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        })

    static let statusCodes = StringRule.pattern(
        description: "must be a status code or a range such as '500-599', between 200 and 599",
        matches: { GatewaySpec.statusRange($0) != nil })

    static let retryCount = StringRule.pattern(
        description: "must be 'auto' or a number of retries from 0 to 50",
        matches: { $0 == "auto" || Int($0).map { (0...50).contains($0) } == true })

    static let quota = FieldType.object(
        ObjectSchema([
            FieldSchema("tokens", .integer(1...Int(Int32.max)), required: true),
            FieldSchema("period", .string(.oneOf(GatewaySpec.quotaPeriods)), required: true),
        ]))

    static let instance = FieldType.object(
        ObjectSchema([
            FieldSchema("name", .string(simpleName), required: true),
            FieldSchema("endpoint", .string(.url), required: true),
            FieldSchema("priority", .integer(0...100)),
            FieldSchema("weight", .integer(0...100)),
            FieldSchema("deployments", .list(.string(simpleName))),
        ]))

    static let product = FieldType.object(
        ObjectSchema([
            FieldSchema("name", .string(simpleName), required: true),
            FieldSchema("displayName", apiField("displayName").type, required: true),
            FieldSchema("description", .string),
            FieldSchema("tokensPerMinute", .integer(1...Int(Int32.max))),
            FieldSchema("quota", quota),
            FieldSchema("approvalRequired", .boolean),
            FieldSchema("groups", .list(.string)),
        ]))

    static let dimension = FieldType.scalarOr(
        .string(.oneOf(GatewaySpec.dimensionNames.map(\.key))),
        .object(
            ObjectSchema([
                FieldSchema("name", .string, required: true), FieldSchema("value", .string, required: true),
            ])))

    static let schema = ObjectSchema([
        FieldSchema("dialect", .string(.oneOf(GatewaySpec.Dialect.allCases.map(\.rawValue)))),
        FieldSchema(
            "api",
            .object(
                ObjectSchema([
                    apiField("path"), FieldSchema("sdkCompatible", .boolean), apiField("displayName"),
                    apiField("description"), apiField("specification"), apiField("operations"), apiField("tags"),
                    apiField("revision"),
                ])), required: true),
        FieldSchema(
            "auth",
            .object(
                ObjectSchema([
                    FieldSchema("mode", .string(.oneOf(GatewaySpec.AuthMode.allCases.map(\.rawValue))), required: true),
                    FieldSchema("clientId", .string),
                ]))),
        FieldSchema("instances", .list(instance), required: true),
        FieldSchema(
            "routing",
            .object(
                ObjectSchema([
                    FieldSchema("by", .string(.oneOf(GatewaySpec.Routing.allCases.map(\.rawValue))), required: true),
                    FieldSchema("deployments", .list(.string(simpleName))),
                ]))),
        FieldSchema(
            "circuitBreaker",
            .object(
                ObjectSchema([
                    FieldSchema("statusCodes", .list(.string(statusCodes), maxCount: 10)),
                    FieldSchema("failures", .integer(1...Int(Int32.max))),
                    FieldSchema("interval", .string(.duration)),
                    FieldSchema("tripDuration", .string(.duration)),
                    FieldSchema("acceptRetryAfter", .boolean),
                ]))),
        FieldSchema(
            "retry",
            .object(
                ObjectSchema([
                    FieldSchema("on", .list(.integer(400...599))),
                    FieldSchema("count", .string(retryCount)),
                ]))),
        FieldSchema(
            "tokenLimit",
            .object(
                ObjectSchema([
                    FieldSchema("tokensPerMinute", .integer(1...Int(Int32.max))),
                    FieldSchema("counterKey", .string(.oneOf(GatewaySpec.CounterKey.allCases.map(\.rawValue)))),
                    FieldSchema("quota", quota),
                    FieldSchema("estimatePromptTokens", .boolean),
                ]))),
        FieldSchema(
            "metrics",
            .object(
                ObjectSchema([
                    FieldSchema("namespace", .string(simpleName)),
                    FieldSchema("loggerId", .string, required: true),
                    FieldSchema("dimensions", .list(dimension, maxCount: 10)),
                    FieldSchema("samplingPercentage", .number(0...100)),
                ]))),
        FieldSchema(
            "extraPolicy", .object(ObjectSchema([FieldSchema("inboundFile", .string, required: true)]))),
        FieldSchema("products", .list(product)),
        FieldSchema(
            "semanticCache",
            .object(
                ObjectSchema([
                    FieldSchema("cache", .string, required: true),
                    FieldSchema(
                        "embeddings",
                        .object(
                            ObjectSchema(
                                [FieldSchema("deployment", .string(simpleName)), FieldSchema("backend", .string)],
                                exclusive: [["deployment", "backend"]])), required: true),
                    FieldSchema("scoreThreshold", .number(0...1)),
                    FieldSchema("varyBy", .list(.string)),
                    FieldSchema("ttl", .string(.duration)),
                ]))),
        FieldSchema(
            "contentSafety",
            .object(
                ObjectSchema([
                    FieldSchema("endpoint", .string(.url), required: true),
                    FieldSchema("categories", .map(.integer(0...7))),
                    FieldSchema("shieldPrompt", .boolean),
                ]))),
        FieldSchema(
            "logging",
            .object(
                ObjectSchema([
                    FieldSchema("loggerId", .string, required: true),
                    FieldSchema("messages", .boolean),
                    FieldSchema("maxSizeInBytes", .integer(nil)),
                ]))),
        FieldSchema(
            "sessionAffinity", .object(ObjectSchema([FieldSchema("cookie", .string, required: true)]))),
        FieldSchema(
            "mcp",
            .object(
                ObjectSchema([
                    FieldSchema("operations", .list(.string), required: true),
                    FieldSchema("path", .string),
                    FieldSchema("displayName", .string),
                ]))),
    ])

    /// A field of `kind: Api`, reused so that the gateway's `api` is checked exactly like an API.
    static func apiField(_ name: String) -> FieldSchema {
        ApiKind.schema.field(name) ?? FieldSchema(name, .string)
    }

    /// Gateway names prefix every generated name, so they follow the strictest rule among the generated kinds.
    static func validateName(_ name: String) -> String? {
        if let problem = NameRules.entityID(name, maxLength: 50) { return problem }
        let valid =
            name.first.map { $0.isASCII && ($0.isLetter || $0.isNumber) } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }
        return valid
            ? nil
            : "gateway name '\(name)' must start with a letter or digit and hold only letters, digits, '-' and '_' "
                + "(it prefixes the names of the resources it generates)"
    }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let before = context.diagnostics.count
        let spec = GatewaySpec(manifest, context: &context)
        guard !context.diagnostics[before...].contains(where: { $0.severity == .error }) else { return }
        let expansion = GatewayExpansion(spec: spec, gateway: manifest)
        expansion.lower(into: &context)
    }
}
