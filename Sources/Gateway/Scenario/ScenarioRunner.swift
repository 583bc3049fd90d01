import Foundation
import Model

/// How a scenario ended.
public struct ScenarioResult: Sendable {
    public enum Outcome: String, Sendable {
        case passed
        case failed
        /// The gateway met a statement or expression it does not run: neither passed nor failed.
        case unsupported
    }
    public var name: String
    public var location: String
    public var outcome: Outcome
    public var failures: [ScenarioFailure]
    /// Requests sent to the gateway.
    public var requests: Int
}

/// An expectation that did not hold, where it is written, and the policy trace of the answer it judged.
public struct ScenarioFailure: Sendable {
    public var location: String
    public var message: String
    public var trace: [TraceEntry]
}

/// Runs scenarios, each against a fresh gateway on a manual clock (no state leaks between scenarios).
public enum ScenarioRunner {
    public static func run(
        _ scenario: GatewayScenario, snapshot: GatewaySnapshot, seed: UInt64 = 1
    ) async
        -> ScenarioResult
    {
        let clock = ManualGatewayClock()
        let gateway = LocalGateway(snapshot: snapshot, clock: clock, seed: seed)
        for (host, script) in scenario.backends { await gateway.setScript(script, for: host) }
        var result = ScenarioResult(
            name: scenario.name, location: scenario.location, outcome: .passed, failures: [], requests: 0)
        func fail(_ location: String, _ message: String, _ trace: [TraceEntry] = []) {
            result.failures.append(ScenarioFailure(location: location, message: message, trace: trace))
            if result.outcome == .passed { result.outcome = .failed }
        }
        steps: for (index, step) in scenario.steps.enumerated() {
            switch step {
            case .advance(let seconds, _):
                clock.advance(seconds: seconds)
            case .script(let host, let script, _):
                await gateway.setScript(script, for: host)
            case .request(let request):
                let label = "step \(index + 1) (\(request.method) \(request.path))"
                var gatewayRequest = GatewayRequest(
                    method: request.method, target: request.path, headers: HeaderFields(request.headers),
                    body: request.body, clientIP: request.clientIP, host: "localhost")
                if let name = request.subscription {
                    guard let subscription = snapshot.subscriptions.first(where: { $0.name == name }) else {
                        fail(request.location, "\(label): there is no subscription named '\(name)'")
                        break steps
                    }
                    let header =
                        RequestMatcher.match(gatewayRequest, in: snapshot)?.api.subscriptionKeyHeader
                        ?? "Ocp-Apim-Subscription-Key"
                    gatewayRequest.headers.set(header, subscription.primaryKey)
                }
                for repetition in 1...request.repeatCount {
                    let callsBefore = await gateway.backendCalls().count
                    let response = await gateway.handle(gatewayRequest)
                    result.requests += 1
                    let calls = await gateway.backendCalls()
                    let received = calls.count > callsBefore ? calls.last : nil
                    if let unsupported = response.unsupported {
                        result.outcome = .unsupported
                        result.failures.append(
                            ScenarioFailure(
                                location: request.location, message: "\(label): \(unsupported)", trace: response.trace))
                        break steps
                    }
                    var problems: [String] = []
                    if let each = request.expectEach { problems += check(each, response, received) }
                    if repetition == request.repeatCount { problems += check(request.expect, response, received) }
                    if !problems.isEmpty {
                        let which = request.repeatCount > 1 ? " (request \(repetition) of \(request.repeatCount))" : ""
                        fail(request.location, "\(label)\(which): " + problems.joined(separator: "; "), response.trace)
                        break steps
                    }
                }
            }
        }
        if result.outcome == .passed {
            let metrics = await gateway.metrics()
            for expected in scenario.metrics {
                let matching = metrics.filter { metric in
                    metric.name == expected.name && (expected.namespace.map { $0 == metric.namespace } ?? true)
                        && expected.dimensions.allSatisfy { metric.dimensions[$0.key] == $0.value }
                }
                if matching.isEmpty {
                    let emitted = Set(
                        metrics.map { "\($0.namespace)/\($0.name) \($0.dimensions.sorted { $0.key < $1.key })" })
                    fail(
                        expected.location,
                        "no metric '\(expected.name)' with \(expected.dimensions) was emitted; emitted: "
                            + (emitted.isEmpty ? "none" : emitted.sorted().joined(separator: ", ")))
                } else if let value = expected.value {
                    let total = matching.reduce(0) { $0 + $1.value }
                    if total != value {
                        fail(expected.location, "metric '\(expected.name)' sums to \(total), expected \(value)")
                    }
                }
            }
            let calls = await gateway.backendCalls()
            for (host, count) in scenario.backendCalls.sorted(by: { $0.key < $1.key }) {
                let actual = calls.filter { $0.host == host }.count
                if actual != count {
                    fail(scenario.location, "\(host) received \(actual) request(s), expected \(count)")
                }
            }
        }
        return result
    }

    /// The ways `response` differs from `expectation`.
    static func check(
        _ expectation: ResponseExpectation, _ response: GatewayResponse, _ received: BackendCall?
    ) -> [String] {
        var problems: [String] = []
        if let status = expectation.status, status != response.status {
            problems.append("expected status \(status), got \(response.status)" + excerpt(response))
        }
        for (name, value) in expectation.headers {
            let actual = response.headers[name]
            if actual != value {
                problems.append(
                    "expected header \(name) \(value.map { "'\($0)'" } ?? "absent"), got \(actual.map { "'\($0)'" } ?? "none")"
                )
            }
        }
        if let backend = expectation.backend, response.headers["x-apimsync-backend"] != backend {
            problems.append("expected backend '\(backend)', got '\(response.headers["x-apimsync-backend"] ?? "none")'")
        }
        if let instance = expectation.instance, response.headers["x-apimsync-instance"] != instance {
            problems.append(
                "expected instance '\(instance)', got '\(response.headers["x-apimsync-instance"] ?? "none")'")
        }
        if let text = expectation.bodyContains, !response.bodyText.contains(text) {
            problems.append("expected the body to contain '\(text)'" + excerpt(response))
        }
        if !expectation.body.isEmpty {
            let json = try? JSONValue.parse(response.body)
            for (path, value) in expectation.body {
                let actual = json.flatMap { JSONPath.value(at: path, in: $0) }
                if !JSONPath.matches(actual, value) {
                    problems.append(
                        "expected body \(path) = \(value.serialized()), got \(actual?.serialized() ?? "nothing")")
                }
            }
        }
        if !expectation.backendReceived.isEmpty || expectation.managedIdentity != nil {
            guard let received else {
                problems.append("no request reached a backend")
                return problems
            }
            for (name, value) in expectation.backendReceived where received.headers[name] != value {
                problems.append(
                    "expected the backend to receive \(name) \(value.map { "'\($0)'" } ?? "absent"), it got "
                        + (received.headers[name] == nil ? "none" : "another value"))
            }
            if let expected = expectation.managedIdentity {
                let token = received.headers["Authorization"].map { String($0.dropFirst("Bearer ".count)) }
                let audience = token.flatMap(SimulatedOpenAI.audience)
                let has =
                    audience == "https://cognitiveservices.azure.com"
                    || audience == "https://cognitiveservices.azure.com/"
                if has != expected {
                    problems.append(
                        expected
                            ? "expected the backend to receive a managed-identity token for https://cognitiveservices.azure.com, it got "
                                + (audience.map { "one for \($0)" } ?? "none")
                            : "expected no managed-identity token at the backend")
                }
            }
        }
        return problems
    }

    private static func excerpt(_ response: GatewayResponse) -> String {
        let text = response.bodyText
        guard !text.isEmpty else { return "" }
        return " (body: \(text.count > 200 ? String(text.prefix(200)) + "…" : text))"
    }
}

/// Paths into JSON bodies: `error.code`, `choices[0].message.content`.
enum JSONPath {
    static func value(at path: String, in json: JSONValue) -> JSONValue? {
        var current: JSONValue? = json
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"),
                let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
            {
                indexes.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { current = current?[String(name)] }
            for index in indexes {
                guard let items = current?.arrayValue, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// Equal values; a YAML number and a JSON number compare numerically.
    static func matches(_ actual: JSONValue?, _ expected: JSONValue) -> Bool {
        guard let actual else { return false }
        if case .number(let a) = actual, case .number(let b) = expected { return a == b }
        if case .string(let a) = actual, case .number(let b) = expected { return Double(a) == b }
        return actual == expected
    }
}
