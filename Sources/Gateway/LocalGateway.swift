import Foundation
import Model

/// APIM's data plane, run locally: requests are matched to API and operation, their subscription key checked, and
/// run through the policy pipeline global → product → API → operation against simulated Azure OpenAI backends.
///
/// Every piece of state that outlives a request (circuit breakers, rate limits, quotas, token counters, the cache,
/// metrics, mocks) lives here and reads the injected ``GatewayClock``.
public actor LocalGateway {
    /// The `context.Deployment.Region` of the local gateway.
    public static let region = "Local"

    private(set) var snapshot: GatewaySnapshot
    let clock: any GatewayClock
    var compiled: [PolicyScope: CompiledPolicy] = [:]
    var compiledFragments: [String: CompiledPolicy] = [:]
    var expressions: [String: Result<CompiledExpression, ExpressionError>] = [:]
    var random: SeededGenerator

    // State kept across requests.
    var breakers: [String: BreakerState] = [:]
    var callWindows: [String: [Double]] = [:]
    var quotaCounters: [String: (period: Double, count: Int)] = [:]
    var tokenWindows: [String: [(time: Double, tokens: Int)]] = [:]
    var tokenQuotas: [String: (period: Double, tokens: Int)] = [:]
    var cache: [String: (value: ExpressionValue, expires: Double)] = [:]
    /// Answers `llm-semantic-cache-store` kept, by partition (`vary-by` values).
    var semanticCache: [String: [SemanticCacheEntry]] = [:]
    var recordedMetrics: [TokenMetric] = []
    var scripts: [String: BackendScript] = [:]
    var calls: [BackendCall] = []

    /// The service's default global policy, used when the snapshot has none.
    static let defaultGlobalPolicy =
        "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>"

    /// Where the configuration is re-read from before each request, and the revision last read.
    private let source: (any GatewaySnapshotSource)?
    private var revision: String?

    public init(snapshot: GatewaySnapshot, clock: any GatewayClock = SystemGatewayClock(), seed: UInt64 = 1) {
        self.snapshot = snapshot
        self.clock = clock
        source = nil
        random = SeededGenerator(seed: seed)
        (compiled, compiledFragments) = Self.compile(snapshot)
    }

    /// A gateway that follows `source`: each request runs on the configuration of the source's current revision.
    public init(
        source: any GatewaySnapshotSource, clock: any GatewayClock = SystemGatewayClock(), seed: UInt64 = 1
    )
        async
    {
        let revision = await source.revision()
        let snapshot = await source.snapshot()
        self.snapshot = snapshot
        self.clock = clock
        self.source = source
        self.revision = revision
        random = SeededGenerator(seed: seed)
        (compiled, compiledFragments) = Self.compile(snapshot)
    }

    /// Replaces the configuration (after the management plane changed); counters, breakers and mocks are kept.
    public func update(_ snapshot: GatewaySnapshot) {
        self.snapshot = snapshot
        (compiled, compiledFragments) = Self.compile(snapshot)
        expressions = [:]
    }

    private static func compile(
        _ snapshot: GatewaySnapshot
    ) -> ([PolicyScope: CompiledPolicy], [String: CompiledPolicy]) {
        var policies = snapshot.policies.mapValues { CompiledPolicy($0, namedValues: snapshot.namedValues) }
        if policies[.global] == nil {
            policies[.global] = CompiledPolicy(
                GatewayPolicy(text: defaultGlobalPolicy, format: .rawxml, id: "policies/policy"),
                namedValues: [:])
        }
        let fragments = snapshot.fragments.mapValues { CompiledPolicy($0, namedValues: snapshot.namedValues) }
        return (policies, fragments)
    }

    // MARK: - Mocks, metrics and what backends received

    /// Scripts the simulated backend at `host` (`apimaoai01.openai.azure.com`).
    public func setScript(_ script: BackendScript, for host: String) { scripts[host.lowercased()] = script }

    public func script(for host: String) -> BackendScript? { scripts[host.lowercased()] }

    public func removeScript(for host: String) { scripts[host.lowercased()] = nil }

    /// Token metrics emitted so far, in order.
    public func metrics() -> [TokenMetric] { recordedMetrics }

    /// The requests simulated backends received, in order.
    public func backendCalls() -> [BackendCall] { calls }

    // MARK: - Requests

    /// Answers `request` as APIM's gateway would.
    public func handle(_ request: GatewayRequest) async -> GatewayResponse {
        if let source {
            let current = await source.revision()
            if current != revision {
                let fresh = await source.snapshot()
                revision = current
                update(fresh)
            }
        }
        guard let match = RequestMatcher.match(request, in: snapshot) else {
            return Self.errorResponse(404, "Resource not found")
        }
        let preflight =
            request.method == "OPTIONS" && request.headers.contains("Origin")
            && request.headers.contains("Access-Control-Request-Method")
        if match.operation == nil && !preflight {
            return Self.errorResponse(404, "Resource not found")
        }
        var subscription: GatewaySubscription?
        var key: String?
        if !preflight {
            let api = match.api
            key =
                request.headers[api.subscriptionKeyHeader]
                ?? request.query.first { $0.0 == api.subscriptionKeyQuery }?.1
            if let key {
                subscription = validSubscription(key: key, api: api)
            }
            if api.subscriptionRequired {
                guard key != nil else {
                    return Self.errorResponse(
                        401,
                        "Access denied due to missing subscription key. Make sure to include subscription key when "
                            + "making requests to an API.")
                }
                guard subscription != nil else {
                    return Self.errorResponse(
                        401,
                        "Access denied due to invalid subscription key. Make sure to provide a valid key for an "
                            + "active subscription.")
                }
            }
        }
        var product: GatewayProduct?
        if case .product(let name)? = subscription?.scope { product = snapshot.products[name.lowercased()] }
        let user = subscription?.user.flatMap { snapshot.users[$0.lowercased()] }
        let api = match.api
        var scopes: [CompiledPolicy?] = [compiled[.global]]
        scopes.append(product.flatMap { compiled[.product($0.name)] ?? compiled[productScope($0.name)] })
        scopes.append(compiled[.api(api.name)] ?? compiled.first { Self.sameAPI($0.key, api.name) }?.value)
        if let operation = match.operation {
            scopes.append(
                compiled.first { key, _ in
                    if case .operation(let a, let o) = key {
                        return a.lowercased() == api.name.lowercased() && o.lowercased() == operation.name.lowercased()
                    }
                    return false
                }?.value)
        }
        let run = PolicyRun(
            request: request, match: match, subscription: subscription, key: key, product: product, user: user,
            scopes: scopes, clock: clock, seed: random.next(), region: Self.region)
        if let unsupported = firstProblem(in: scopes) {
            return finish(run, unsupported: unsupported)
        }
        do {
            try await runPipeline(run, preflight: preflight)
            await finishHooks(run)
            return finish(run, unsupported: nil)
        } catch let unsupported as UnsupportedFeature {
            return finish(run, unsupported: unsupported.message)
        } catch {
            return finish(run, unsupported: "internal error: \(error)")
        }
    }

    private func productScope(_ name: String) -> PolicyScope {
        compiled.keys.first {
            if case .product(let other) = $0 { return other.lowercased() == name.lowercased() }
            return false
        } ?? .product(name)
    }

    private static func sameAPI(_ scope: PolicyScope, _ name: String) -> Bool {
        if case .api(let other) = scope { return other.lowercased() == name.lowercased() }
        return false
    }

    /// The active subscription whose key is `key` and whose scope covers `api`.
    private func validSubscription(key: String, api: GatewayAPI) -> GatewaySubscription? {
        snapshot.subscriptions.first { subscription in
            guard subscription.state == "active", !key.isEmpty,
                subscription.primaryKey == key || subscription.secondaryKey == key
            else { return false }
            switch subscription.scope {
            case .allAPIs: return true
            case .api(let name): return name.lowercased() == api.name.lowercased()
            case .product(let name):
                guard let product = snapshot.products[name.lowercased()], product.state == "published" else {
                    return false
                }
                return product.apis.contains(api.name.lowercased())
            }
        }
    }

    /// A document that cannot be read is reported, never run half.
    private func firstProblem(in scopes: [CompiledPolicy?]) -> String? {
        for policy in scopes.compactMap({ $0 }) {
            if let problem = policy.problems.first {
                return
                    "the policy \(policy.file):\(problem.line):\(problem.column) is not well formed: \(problem.message)"
            }
        }
        return nil
    }

    /// inbound → backend → outbound, and on-error when a statement fails
    /// (https://learn.microsoft.com/azure/api-management/api-management-howto-policies).
    private func runPipeline(_ run: PolicyRun, preflight: Bool) async throws {
        do {
            run.section = "inbound"
            try await runSection("inbound", scope: run.scopes.count - 1, run)
            if preflight {
                // No operation answers OPTIONS: only a cors policy could have.
                run.response = ResponseState(
                    status: 404, reason: "Not Found", headers: HeaderFields([("Content-Type", "application/json")]),
                    body: Self.errorBody(404, "Resource not found"))
                return
            }
            run.section = "backend"
            try await runSection("backend", scope: run.scopes.count - 1, run)
            if run.response == nil {
                run.response = ResponseState(status: 200, reason: "OK", headers: HeaderFields(), body: [])
            }
            run.section = "outbound"
            try await runSection("outbound", scope: run.scopes.count - 1, run)
        } catch is PipelineReturn {
            return
        } catch var failure as PolicyFailure {
            failure.section = failure.section.isEmpty ? run.section : failure.section
            run.lastError = failure
            run.response = ResponseState(
                status: failure.status, reason: HTTPReason.phrase(failure.status),
                headers: HeaderFields([("Content-Type", "application/json")]),
                body: Self.errorBody(failure.status, failure.status == 500 ? "Internal server error" : failure.message))
            run.section = "on-error"
            do {
                try await runSection("on-error", scope: run.scopes.count - 1, run)
            } catch is PipelineReturn {
                return
            } catch is PolicyFailure {
                run.response = ResponseState(
                    status: 500, reason: "Internal Server Error",
                    headers: HeaderFields([("Content-Type", "application/json")]),
                    body: Self.errorBody(500, "Internal server error"))
            }
        }
    }

    /// Runs `section` of the policy at `scope` (a missing policy or section inherits the outer one, as `<base />`).
    func runSection(_ section: String, scope: Int, _ run: PolicyRun) async throws {
        guard scope >= 0 else { return }
        guard let policy = run.scopes[scope], let element = policy.section(section) else {
            try await runSection(section, scope: scope - 1, run)
            return
        }
        try await runStatements(element.elements, policy: policy, scope: scope, run)
    }

    func runStatements(_ elements: [PolicyElement], policy: CompiledPolicy, scope: Int, _ run: PolicyRun) async throws {
        for element in elements {
            try await execute(element, policy: policy, scope: scope, run)
        }
    }

    private func finish(_ run: PolicyRun, unsupported: String?) -> GatewayResponse {
        if let unsupported {
            var headers = HeaderFields([("Content-Type", "application/json"), ("x-apimsync-unsupported", "true")])
            headers.set("x-apimsync-request-id", run.requestID)
            let body = JSONValue.object(
                JSONObject([
                    (
                        "error",
                        .object(JSONObject([("code", "UnsupportedByLocalGateway"), ("message", .string(unsupported))]))
                    )
                ]))
            return GatewayResponse(
                status: 500, headers: headers, body: Array(body.serialized().utf8), trace: run.trace,
                unsupported: unsupported)
        }
        let state = run.response ?? ResponseState(status: 200, reason: "OK", headers: HeaderFields(), body: [])
        var headers = state.headers
        headers.remove("Content-Length")
        return GatewayResponse(
            status: state.status, reason: state.reason, headers: headers, body: state.body, trace: run.trace)
    }

    /// APIM's error body: `{"statusCode": 404, "message": "Resource not found"}`.
    static func errorBody(_ status: Int, _ message: String) -> [UInt8] {
        Array(
            JSONValue.object(JSONObject([("statusCode", .number(Double(status))), ("message", .string(message))]))
                .serialized().utf8)
    }

    static func errorResponse(_ status: Int, _ message: String) -> GatewayResponse {
        GatewayResponse(
            status: status, headers: HeaderFields([("Content-Type", "application/json")]),
            body: errorBody(status, message))
    }
}

/// A circuit breaker's state for one backend.
struct BreakerState {
    /// When each recent failure happened, per rule.
    var failures: [String: [Double]] = [:]
    /// The breaker is open (the backend is skipped) until this time.
    var trippedUntil: Double?
}

/// A token metric `llm-emit-token-metric` emitted: one value with its dimensions.
public struct TokenMetric: Sendable, Hashable {
    public var namespace: String
    /// `Prompt Tokens`, `Completion Tokens` or `Total Tokens`.
    public var name: String
    public var value: Int
    public var dimensions: [String: String]
}
