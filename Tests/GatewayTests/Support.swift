import Foundation
import Model

@testable import Gateway

/// A small service: API `aoai` at `aoai/openai` (key in `api-key`), its chat, embeddings and a catch-all echo
/// operation, backends `one`/`two` on simulated Azure OpenAI hosts pooled in `pool`, a product `gold` and two
/// subscriptions (`team-a` on `gold`, `all` on every API).
enum Fixture {
    static let keyA = "key-team-a"
    static let keyAll = "key-all"

    /// The global policy of the fixture: authenticate to Azure OpenAI with managed identity, forward.
    static let defaultGlobal = policies(
        inbound: #"<authentication-managed-identity resource="https://cognitiveservices.azure.com" />"#,
        backend: "<forward-request />")

    /// A global policy that forwards without credentials.
    static let plainGlobal = policies(inbound: "", backend: "<forward-request />")

    static func snapshot(
        global: String? = defaultGlobal, product: String? = nil, api: String? = nil, operation: String? = nil,
        fragments: [String: String] = [:], breaker: CircuitBreakerRule? = breakerRule, poolFailureStatus: Int? = nil
    ) -> GatewaySnapshot {
        var snapshot = GatewaySnapshot()
        snapshot.apis = [
            GatewayAPI(
                name: "aoai", path: "aoai/openai", serviceURL: "https://one.openai.azure.com/openai",
                subscriptionKeyHeader: "api-key", subscriptionKeyQuery: "api-key",
                operations: [
                    GatewayOperation(
                        name: "chat", method: "POST",
                        urlTemplate: "/deployments/{deployment-id}/chat/completions?api-version={api-version}"),
                    GatewayOperation(
                        name: "embeddings", method: "POST",
                        urlTemplate: "/deployments/{deployment-id}/embeddings?api-version={api-version}"),
                    GatewayOperation(name: "status", method: "GET", urlTemplate: "/status"),
                    GatewayOperation(name: "item", method: "GET", urlTemplate: "/items/{id}"),
                ])
        ]
        func policy(_ text: String?, _ id: String) -> GatewayPolicy? {
            text.map { GatewayPolicy(text: $0, format: .rawxml, id: id) }
        }
        snapshot.policies[.global] = policy(global, "policies/policy")
        snapshot.policies[.product("gold")] = policy(product, "products/gold/policies/policy")
        snapshot.policies[.api("aoai")] = policy(api, "apis/aoai/policies/policy")
        snapshot.policies[.operation(api: "aoai", operation: "chat")] = policy(
            operation, "apis/aoai/operations/chat/policies/policy")
        for (name, text) in fragments {
            snapshot.fragments[name] = GatewayPolicy(text: text, format: .rawxml, id: "policyFragments/\(name)")
        }
        let rules = breaker.map { [$0] } ?? []
        snapshot.backends = [
            "one": GatewayBackend(name: "one", url: "https://one.openai.azure.com/openai", circuitBreakerRules: rules),
            "two": GatewayBackend(name: "two", url: "https://two.openai.azure.com/openai", circuitBreakerRules: rules),
            "pool": GatewayBackend(
                name: "pool",
                pool: [.init(backend: "one", priority: 1, weight: 50), .init(backend: "two", priority: 2, weight: 50)],
                poolFailureStatus: poolFailureStatus),
        ]
        snapshot.namedValues = ["greeting": "hello", "secret-key": "s3cr3t"]
        snapshot.products = ["gold": GatewayProduct(name: "gold", displayName: "Gold", apis: ["aoai"])]
        snapshot.subscriptions = [
            GatewaySubscription(
                name: "team-a", displayName: "Team A", scope: .product("gold"), primaryKey: keyA,
                secondaryKey: "key-a-2"),
            GatewaySubscription(name: "all", scope: .allAPIs, primaryKey: keyAll, secondaryKey: "key-all-2"),
            GatewaySubscription(
                name: "off", scope: .allAPIs, state: "suspended", primaryKey: "key-off", secondaryKey: "x"),
        ]
        return snapshot
    }

    static let breakerRule = CircuitBreakerRule(
        name: "throttling", failureCount: 1, interval: 60, statusCodeRanges: [429...429, 500...599], tripDuration: 60,
        acceptRetryAfter: true)

    /// `<policies>` with the given inbound, backend, outbound and on-error content.
    static func policies(
        inbound: String = "<base />", backend: String = "<base />", outbound: String = "<base />",
        onError: String = "<base />"
    ) -> String {
        """
        <policies>
            <inbound>\(inbound)</inbound>
            <backend>\(backend)</backend>
            <outbound>\(outbound)</outbound>
            <on-error>\(onError)</on-error>
        </policies>
        """
    }

    static func chat(
        key: String? = keyAll, deployment: String = "gpt-4o",
        body: String = #"{"messages":[{"role":"user","content":"Hello"}]}"#,
        headers: [(String, String)] = [], ip: String = "127.0.0.1"
    ) -> GatewayRequest {
        var fields = HeaderFields(headers)
        if let key { fields.set("api-key", key) }
        fields.set("Content-Type", "application/json")
        return GatewayRequest(
            method: "POST", target: "/aoai/openai/deployments/\(deployment)/chat/completions?api-version=2024-10-21",
            headers: fields, body: Array(body.utf8), clientIP: ip)
    }

    static func get(
        _ path: String, key: String? = keyAll, headers: [(String, String)] = [], ip: String = "127.0.0.1"
    )
        -> GatewayRequest
    {
        var fields = HeaderFields(headers)
        if let key { fields.set("api-key", key) }
        return GatewayRequest(method: "GET", target: "/aoai/openai" + path, headers: fields, clientIP: ip)
    }
}

/// An expression host with fixed answers, for the interpreter's own tests.
final class FixedHost: ExpressionHost {
    var now: Double = 1_767_225_600
    private var generator = SeededGenerator(seed: 7)

    func member(_ object: ContextObject, _ name: String) throws -> ExpressionValue {
        switch (object, name) {
        case (.context, "Request"): .host(.request)
        case (.request, "Method"): .string("POST")
        case (.request, "Headers"):
            .dictionary(
                ExpressionDictionary(
                    kind: .multiValued(caseInsensitive: true),
                    entries: [(key: "X-User", value: .array([.string("ada"), .string("bob")]))]))
        case (.context, "Variables"):
            .dictionary(
                ExpressionDictionary(
                    kind: .plain, entries: [(key: "n", value: .int(3)), (key: "s", value: .string("x"))]))
        default: throw ExpressionError.unplaced(.unsupported, "no \(name)")
        }
    }

    func call(
        _ object: ContextObject, _ method: String, typeArguments: [String], arguments: [ExpressionValue],
        named: [String: ExpressionValue]
    ) throws -> ExpressionValue {
        throw ExpressionError.unplaced(.unsupported, "no \(method)")
    }

    func newGuid() -> String { generator.guid() }
}

/// Evaluates `text` against a ``FixedHost``.
func evaluate(_ text: String, host: FixedHost = FixedHost()) throws -> ExpressionValue {
    var interpreter = ExpressionInterpreter(host: host)
    return try interpreter.evaluate(try ExpressionParser.parse(text))
}

extension GatewayResponse {
    var json: JSONValue? { try? JSONValue.parse(body) }
}
