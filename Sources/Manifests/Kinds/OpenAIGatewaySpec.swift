import Model

/// The decoded `spec` of an `OpenAIGateway`, typed, with defaults filled in and the checks that span fields done
/// (each reported at its `file:line:col`).
struct GatewaySpec {
    enum Dialect: String, CaseIterable {
        case llm
        case azureOpenAI = "azure-openai"

        /// The token-limit policy element of the dialect.
        var tokenLimit: String { self == .llm ? "llm-token-limit" : "azure-openai-token-limit" }
        /// The token-metric policy element of the dialect.
        var emitTokenMetric: String { self == .llm ? "llm-emit-token-metric" : "azure-openai-emit-token-metric" }
        var semanticCacheLookup: String {
            self == .llm ? "llm-semantic-cache-lookup" : "azure-openai-semantic-cache-lookup"
        }
        var semanticCacheStore: String {
            self == .llm ? "llm-semantic-cache-store" : "azure-openai-semantic-cache-store"
        }
    }

    enum AuthMode: String, CaseIterable { case managedIdentity, apiKey }
    enum Routing: String, CaseIterable { case deployment, pool }

    enum CounterKey: String, CaseIterable {
        case subscription, ip

        var expression: String {
            self == .subscription ? "@(context.Subscription.Id)" : "@(context.Request.IpAddress)"
        }
        var description: String { self == .subscription ? "per subscription" : "per client IP address" }
    }

    static let quotaPeriods = ["Hourly", "Daily", "Weekly", "Monthly", "Yearly"]

    /// The metric dimensions that have a short name in manifests, with APIM's dimension name and value.
    static let dimensionNames: KeyValuePairs<String, (name: String, value: String)> = [
        "subscriptionId": ("Subscription ID", "@(context.Subscription.Id)"),
        "apiId": ("API ID", "@(context.Api.Id)"),
        "operationId": ("Operation ID", "@(context.Operation.Id)"),
        "productId": ("Product ID", "@(context.Product?.Id ?? \"none\")"),
        "userId": ("User ID", "@(context.User?.Id ?? \"anonymous\")"),
        "clientIp": ("Client IP", "@(context.Request.IpAddress)"),
        "location": ("Location", "@(context.Deployment.Region)"),
        "gatewayId": ("Gateway ID", "@(context.Deployment.GatewayId)"),
        "deployment": (
            "Deployment", "@(context.Request.MatchedParameters.GetValueOrDefault(\"deployment-id\", \"unknown\"))"
        ),
    ]

    /// The metric dimensions when `metrics.dimensions` is left out.
    static let defaultDimensions = ["subscriptionId", "apiId", "deployment"]

    struct Instance {
        var index: Int
        var name: String
        var endpoint: String
        var priority: Int?
        var weight: Int?
        var deployments: [String]
    }

    struct TokenLimit {
        var tokensPerMinute: Int?
        var quota: (tokens: Int, period: String)?
        var counterKey: CounterKey
        var estimatePromptTokens: Bool
    }

    struct Dimension {
        var name: String
        var value: String
    }

    struct Metrics {
        var namespace: String
        var loggerId: String
        var dimensions: [Dimension]
        var samplingPercentage: Double
    }

    struct Tier {
        var index: Int
        var name: String
        var limit: TokenLimit
    }

    enum RetryCount: Equatable {
        case auto
        case fixed(Int)
    }

    var name: String
    /// Whether the API path ends in `/openai`, as the Azure OpenAI SDKs expect (`api.sdkCompatible`, default true).
    var sdkCompatible: Bool
    /// The APIM path of the generated API.
    var apiPath: String
    var dialect: Dialect
    var authMode: AuthMode
    var clientId: String?
    var instances: [Instance]
    var routing: Routing
    /// The deployments routed (`routing.deployments`, or every hosted deployment in order of first mention).
    var deployments: [String]
    var retryOn: [Int]
    var retryCount: RetryCount
    var tokenLimit: TokenLimit?
    var metrics: Metrics?
    var extraInboundFile: String?
    var tiers: [Tier]
    var semanticCache: SemanticCache?
    var contentSafety: ContentSafety?
    var logging: Logging?
    var sessionAffinityCookie: String?
    var mcp: MCP?

    /// Answers from an external cache for prompts like earlier ones (`llm-semantic-cache-lookup`/`-store`).
    struct SemanticCache {
        var cache: String
        /// The deployment embeddings are computed with (a generated backend), or an existing backend.
        var embeddingsDeployment: String?
        var embeddingsBackend: String?
        var scoreThreshold: Double
        var varyBy: [String]
        var ttlSeconds: Int?
    }

    /// Prompts checked by Azure AI Content Safety first (`llm-content-safety`).
    struct ContentSafety {
        var endpoint: String
        var categories: [(name: String, threshold: Int)]
        var shieldPrompt: Bool
    }

    /// LLM request and response logging through an API diagnostic (`largeLanguageModel`).
    struct Logging {
        var loggerId: String
        var messages: Bool
        var maxSizeInBytes: Int?
    }

    /// Chosen operations of the gateway's API exposed as an MCP server.
    struct MCP {
        var operations: [String]
        var path: String
        var displayName: String
    }

    /// The content categories `llm-content-safety` knows (learn: llm-content-safety-policy).
    static let contentCategories = ["Hate", "SelfHarm", "Sexual", "Violence"]

    init(_ manifest: DecodedManifest, context: inout LoweringContext) {
        let spec = manifest.spec
        name = manifest.name
        dialect = spec["dialect"]?.stringValue.flatMap(Dialect.init(rawValue:)) ?? .llm
        authMode = spec["auth"]?["mode"]?.stringValue.flatMap(AuthMode.init(rawValue:)) ?? .managedIdentity
        clientId = spec["auth"]?["clientId"]?.stringValue
        routing = spec["routing"]?["by"]?.stringValue.flatMap(Routing.init(rawValue:)) ?? .deployment
        if clientId != nil, authMode != .managedIdentity {
            context.error(
                "'spec.auth.clientId' names a user-assigned managed identity; it needs 'mode: managedIdentity'",
                at: manifest.location("spec.auth.clientId"))
        }

        let path = spec["api"]?["path"]?.stringValue ?? ""
        sdkCompatible = spec["api"]?["sdkCompatible"]?.boolValue ?? true
        if sdkCompatible, path == "openai" || path.hasSuffix("/openai") {
            context.error(
                "'spec.api.path' is what clients write after the gateway host in azure_endpoint; the SDKs and the "
                    + "generated API add '/openai', found '\(path)' (remove '/openai', or set 'sdkCompatible: false')",
                at: manifest.location("spec.api.path"))
        }
        apiPath = sdkCompatible ? (path.isEmpty ? "openai" : path + "/openai") : path

        instances = []
        var firstInstance: [String: Int] = [:]
        var hosted: [String] = []
        for (index, value) in (spec["instances"]?.arrayValue ?? []).enumerated() {
            let path = "spec.instances[\(index)]"
            guard let name = value["name"]?.stringValue, var endpoint = value["endpoint"]?.stringValue else { continue }
            if let first = firstInstance[name] {
                context.error(
                    "duplicate instance '\(name)' (first declared at line \(manifest.location("spec.instances[\(first)]").line))",
                    at: manifest.location(path + ".name"))
                continue
            }
            firstInstance[name] = index
            while endpoint.hasSuffix("/") { endpoint.removeLast() }
            if endpoint.lowercased().hasSuffix("/openai") {
                context.error(
                    "'\(path).endpoint' must be the instance endpoint without '/openai' (the backend URL is "
                        + "'<endpoint>/openai'), found '\(endpoint)'", at: manifest.location(path + ".endpoint"))
            }
            var deployments: [String] = []
            for (position, deployment) in (value["deployments"]?.arrayValue ?? []).enumerated() {
                guard let deployment = deployment.stringValue else { continue }
                if deployments.contains(deployment) {
                    context.error(
                        "deployment '\(deployment)' is listed twice for instance '\(name)'",
                        at: manifest.location("\(path).deployments[\(position)]"))
                    continue
                }
                deployments.append(deployment)
                if !hosted.contains(deployment) { hosted.append(deployment) }
            }
            if routing == .deployment, deployments.isEmpty {
                context.error(
                    "instance '\(name)' hosts no deployments; routing by deployment needs its 'deployments'",
                    at: manifest.location(path))
            }
            instances.append(
                Instance(
                    index: index, name: name, endpoint: endpoint, priority: gatewayInteger(value["priority"]),
                    weight: gatewayInteger(value["weight"]), deployments: deployments))
        }
        if spec["instances"]?.arrayValue?.isEmpty == true {
            context.error("an OpenAIGateway needs at least one instance", at: manifest.location("spec.instances"))
        }

        deployments = hosted
        if let listed = spec["routing"]?["deployments"]?.arrayValue {
            deployments = []
            for (index, deployment) in listed.enumerated() {
                guard let deployment = deployment.stringValue else { continue }
                let location = manifest.location("spec.routing.deployments[\(index)]")
                if !hosted.contains(deployment) {
                    let known = hosted.map { "'\($0)'" }.joined(separator: ", ")
                    let hint = Suggestions.hint(for: deployment, in: hosted)
                    context.error(
                        "deployment '\(deployment)' is hosted by no instance"
                            + (hint.isEmpty ? " (instances host \(known))" : hint), at: location)
                } else if deployments.contains(deployment) {
                    context.error("deployment '\(deployment)' is listed twice", at: location)
                } else {
                    deployments.append(deployment)
                }
            }
        }
        if routing == .pool {
            if spec["routing"]?["deployments"] != nil {
                context.warning(
                    "'spec.routing.deployments' is ignored when routing by pool: every request goes to the pool",
                    at: manifest.location("spec.routing.deployments"))
            }
            for instance in instances {
                let missing = hosted.filter { !instance.deployments.contains($0) }
                guard !missing.isEmpty, !instance.deployments.isEmpty else { continue }
                context.warning(
                    "routing by pool sends every deployment to every instance, but '\(instance.name)' does not host "
                        + missing.map { "'\($0)'" }.joined(separator: ", "),
                    at: manifest.location("spec.instances[\(instance.index)].deployments"))
            }
        }

        retryOn = spec["retry"]?["on"]?.arrayValue?.compactMap { gatewayInteger($0) } ?? [429, 503]
        if retryOn.isEmpty {
            context.error(
                "'spec.retry.on' must list at least one status code (to turn retries off, write 'count: 0')",
                at: manifest.location("spec.retry.on"))
        }
        let count = spec["retry"]?["count"]?.stringValue ?? "auto"
        retryCount = Int(count).map(RetryCount.fixed) ?? .auto

        tokenLimit = Self.limit(
            spec["tokenLimit"], path: "spec.tokenLimit", counterKey: nil, of: manifest, context: &context)
        if let metrics = spec["metrics"], let loggerId = metrics["loggerId"]?.stringValue {
            var dimensions: [Dimension] = []
            let listed = metrics["dimensions"]?.arrayValue ?? Self.defaultDimensions.map { .string($0) }
            if listed.isEmpty {
                context.error(
                    "'spec.metrics.dimensions' must name at least one dimension (token metrics need one); leave it "
                        + "out for " + Self.defaultDimensions.joined(separator: ", "),
                    at: manifest.location("spec.metrics.dimensions"))
            }
            for (index, value) in listed.enumerated() {
                let dimension: Dimension
                if let short = value.stringValue,
                    let known = Self.dimensionNames.first(where: { $0.key == short })?.value
                {
                    dimension = Dimension(name: known.name, value: known.value)
                } else if let name = value["name"]?.stringValue, let value = value["value"]?.stringValue {
                    dimension = Dimension(name: name, value: value)
                } else {
                    continue
                }
                if dimensions.contains(where: { $0.name == dimension.name }) {
                    context.error(
                        "metric dimension '\(dimension.name)' is listed twice",
                        at: manifest.location("spec.metrics.dimensions[\(index)]"))
                    continue
                }
                dimensions.append(dimension)
            }
            self.metrics = Metrics(
                namespace: metrics["namespace"]?.stringValue ?? "openai", loggerId: loggerId, dimensions: dimensions,
                samplingPercentage: metrics["samplingPercentage"]?.numberValue ?? 100)
        } else {
            metrics = nil
        }
        extraInboundFile = spec["extraPolicy"]?["inboundFile"]?.stringValue

        tiers = []
        var firstTier: [String: Int] = [:]
        for (index, value) in (spec["products"]?.arrayValue ?? []).enumerated() {
            let path = "spec.products[\(index)]"
            guard let name = value["name"]?.stringValue else { continue }
            if let first = firstTier[name] {
                context.error(
                    "duplicate product tier '\(name)' (first declared at line \(manifest.location("spec.products[\(first)]").line))",
                    at: manifest.location(path + ".name"))
                continue
            }
            firstTier[name] = index
            guard
                let limit = Self.limit(
                    value, path: path, counterKey: tokenLimit?.counterKey ?? .subscription, of: manifest,
                    context: &context)
            else { continue }
            tiers.append(Tier(index: index, name: name, limit: limit))
        }

        semanticCache = Self.semanticCache(spec["semanticCache"], hosted: hosted, of: manifest, context: &context)
        if let safety = spec["contentSafety"], let endpoint = safety["endpoint"]?.stringValue {
            var categories: [(String, Int)] = []
            for (category, threshold) in safety["categories"]?.objectValue ?? JSONObject() {
                guard Self.contentCategories.contains(category) else {
                    context.error(
                        "unknown content category '\(category)'"
                            + Suggestions.hint(for: category, in: Self.contentCategories)
                            + " (categories: \(Self.contentCategories.joined(separator: ", ")))",
                        at: manifest.location("spec.contentSafety.categories.\(category)"))
                    continue
                }
                categories.append((category, gatewayInteger(threshold) ?? 4))
            }
            contentSafety = ContentSafety(
                endpoint: endpoint, categories: categories, shieldPrompt: safety["shieldPrompt"]?.boolValue ?? false)
        }
        if let logging = spec["logging"], let loggerId = logging["loggerId"]?.stringValue {
            self.logging = Logging(
                loggerId: loggerId, messages: logging["messages"]?.boolValue ?? true,
                maxSizeInBytes: gatewayInteger(logging["maxSizeInBytes"]))
        }
        sessionAffinityCookie = spec["sessionAffinity"]?["cookie"]?.stringValue
        if let mcp = spec["mcp"] {
            let base = sdkCompatible ? (path.isEmpty ? "openai" : path) : path
            self.mcp = MCP(
                operations: mcp["operations"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                path: mcp["path"]?.stringValue ?? base + "-mcp",
                displayName: mcp["displayName"]?.stringValue
                    ?? (spec["api"]?["displayName"]?.stringValue ?? manifest.name) + " MCP")
        }

        if case .fixed(let count) = retryCount, count > 0 {
            let largest = largestPool
            if count > largest.size - 1 {
                let reason =
                    largest.size < 2
                    ? "no deployment is hosted by two or more instances, so a retry could only reach the same instance"
                    : "the largest pool, '\(largest.name)', has \(largest.size) instances, so at most "
                        + "\(largest.size - 1) \(largest.size == 2 ? "retry reaches" : "retries reach") another instance"
                context.error(
                    "retry count \(count) is more than the pools allow: \(reason) (use 'auto')",
                    at: manifest.location("spec.retry.count"))
            }
        }
    }

    /// The semantic cache of `value`, checked: its embeddings deployment must be hosted by an instance.
    static func semanticCache(
        _ value: JSONValue?, hosted: [String], of manifest: DecodedManifest, context: inout LoweringContext
    ) -> SemanticCache? {
        guard let value, let cache = value["cache"]?.stringValue else { return nil }
        let deployment = value["embeddings"]?["deployment"]?.stringValue
        let backend = value["embeddings"]?["backend"]?.stringValue
        if let deployment, !hosted.contains(deployment) {
            context.error(
                "embeddings deployment '\(deployment)' is hosted by no instance"
                    + Suggestions.hint(for: deployment, in: hosted),
                at: manifest.location("spec.semanticCache.embeddings.deployment"))
        }
        if deployment == nil, backend == nil {
            context.error(
                "'spec.semanticCache.embeddings' needs 'deployment' (an embeddings deployment of an instance) or "
                    + "'backend'", at: manifest.location("spec.semanticCache.embeddings"))
        }
        let ttl = value["ttl"]?.stringValue.flatMap(durationSeconds)
        return SemanticCache(
            cache: cache, embeddingsDeployment: deployment, embeddingsBackend: backend,
            scoreThreshold: value["scoreThreshold"]?.numberValue ?? 0.8,
            varyBy: value["varyBy"]?.arrayValue?.compactMap(\.stringValue) ?? ["subscription"], ttlSeconds: ttl)
    }

    /// The seconds of an ISO 8601 duration made of days, hours, minutes and seconds (`PT1H` → 3600).
    static func durationSeconds(_ text: String) -> Int? {
        var seconds = 0.0
        var number = ""
        var inTime = false
        for character in text.dropFirst() {
            if character == "T" {
                inTime = true
                continue
            }
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            number = ""
            switch (character, inTime) {
            case ("D", false): seconds += value * 86_400
            case ("H", true): seconds += value * 3_600
            case ("M", true): seconds += value * 60
            case ("S", true): seconds += value
            default: return nil
            }
        }
        return Int(seconds)
    }

    /// The backend the semantic cache computes embeddings with.
    var embeddingsBackend: String? {
        semanticCache.map { $0.embeddingsBackend ?? "\(name)-embeddings" }
    }

    /// A token limit (`tokensPerMinute`, `quota`) from `value`, or `nil` when it has neither (an error for product
    /// tiers and a given `tokenLimit`).
    static func limit(
        _ value: JSONValue?, path: String, counterKey: CounterKey?, of manifest: DecodedManifest,
        context: inout LoweringContext
    ) -> TokenLimit? {
        guard let value else { return nil }
        let perMinute = gatewayInteger(value["tokensPerMinute"])
        let quota = value["quota"].flatMap { quota in
            gatewayInteger(quota["tokens"]).flatMap { tokens in quota["period"]?.stringValue.map { (tokens, $0) } }
        }
        if perMinute == nil, quota == nil {
            context.error("'\(path)' needs 'tokensPerMinute', 'quota' or both", at: manifest.location(path))
            return nil
        }
        return TokenLimit(
            tokensPerMinute: perMinute, quota: quota,
            counterKey: counterKey ?? value["counterKey"]?.stringValue.flatMap(CounterKey.init(rawValue:))
                ?? .subscription,
            estimatePromptTokens: value["estimatePromptTokens"]?.boolValue ?? false)
    }

    /// `429` → 429…429, `500-599` → 500…599; `nil` unless both ends are status codes 200–599 in order.
    static func statusRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let low = parts.first ?? nil, let high = parts.last ?? nil,
            low <= high, (200...599).contains(low), (200...599).contains(high)
        else { return nil }
        return low...high
    }

    // MARK: Expansion

    /// A backend pool (or, with one member, the single backend) that serves some deployments.
    struct Target {
        /// The backend name `set-backend-service` uses.
        var backend: String
        /// The instances behind it, in pool order (by priority).
        var members: [Instance]
        var isPool: Bool { members.count > 1 }
    }

    /// `<gateway>-<instance>`.
    func backendName(_ instance: Instance) -> String { "\(name)-\(instance.name)" }

    /// Instances in pool order: by priority (absent counts as 0, APIM's default), then as declared.
    func poolOrder(_ members: [Instance]) -> [Instance] {
        members.enumerated().sorted { lhs, rhs in
            (lhs.element.priority ?? 0, lhs.offset) < (rhs.element.priority ?? 0, rhs.offset)
        }.map(\.element)
    }

    /// Where each routed deployment goes (routing by deployment), in the order of `deployments`.
    var routes: [(deployment: String, target: Target)] {
        deployments.map { deployment in
            let hosts = poolOrder(instances.filter { $0.deployments.contains(deployment) })
            let backend = hosts.count == 1 ? backendName(hosts[0]) : "\(name)-\(deployment)-pool"
            return (deployment, Target(backend: backend, members: hosts))
        }
    }

    /// The pool over every instance (routing by pool), or the single backend when there is one instance.
    var sharedTarget: Target {
        let members = poolOrder(instances)
        let backend = members.count == 1 ? backendName(members[0]) : "\(name)-pool"
        return Target(backend: backend, members: members)
    }

    /// The targets requests can be sent to.
    var targets: [Target] {
        switch routing {
        case .deployment:
            var seen: Set<String> = []
            return routes.map(\.target).filter { seen.insert($0.backend).inserted }
        case .pool: return instances.isEmpty ? [] : [sharedTarget]
        }
    }

    /// The pools, in order of first use.
    var pools: [Target] { targets.filter(\.isPool) }

    var largestPool: (name: String, size: Int) {
        let largest = targets.max { $0.members.count < $1.members.count }
        return (largest?.backend ?? name, largest?.members.count ?? 0)
    }

    /// The retries of the generated `<retry>`: `count`, or for `auto` the largest pool size − 1.
    var effectiveRetryCount: Int {
        switch retryCount {
        case .auto: max(largestPool.size - 1, 0)
        case .fixed(let count): count
        }
    }

    /// `<INSTANCE>_API_KEY`: the environment variable holding an instance's key for `auth.mode: apiKey`.
    static func keyVariable(_ instance: String) -> String {
        String(instance.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }) + "_API_KEY"
    }
}

/// The numeric payload of `value` as an integer, when it is one.
func gatewayInteger(_ value: JSONValue?) -> Int? {
    value?.numberValue.flatMap { Int(exactly: $0) }
}
