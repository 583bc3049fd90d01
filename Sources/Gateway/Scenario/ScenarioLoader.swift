import Foundation
import Model
import YAML

/// A problem in a scenario file, at its `file:line:col`.
public struct ScenarioProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: String
    public var message: String
    public var description: String { "\(location): error: \(message)" }

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }
}

/// Reads `kind: GatewayTest` documents:
///
/// ```yaml
/// apiVersion: apimsync/v1
/// kind: GatewayTest
/// metadata: { name: failover }
/// spec:
///   backends:                                   # scripts, as PUT /_emulator/mocks/<host> takes them
///     apimaoai01.openai.azure.com: { responses: [{ status: 429, headers: { Retry-After: "10" } }] }
///   steps:
///     - request: { method: POST, path: /aoai/openai/…, subscription: team-a, body: { … } }
///       repeat: 1
///       expect: { status: 200, backend: aoai-apimaoai02, instance: apimaoai02, headers: { … }, body: { error.code: … } }
///     - advance: PT11S                          # or a number of seconds
///     - script: { host: …, responses: [ … ] }
///   expect:
///     metrics: [{ name: Total Tokens, namespace: openai, dimensions: { … }, value: 42 }]
///     backendCalls: { apimaoai01.openai.azure.com: 1 }
/// ```
public enum ScenarioLoader {
    /// The scenarios of one file and every problem found in it (scenarios with problems are left out).
    public static func load(text: String, file: String) -> (scenarios: [GatewayScenario], problems: [ScenarioProblem]) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.parse(text, file: file)
        } catch {
            return ([], [ScenarioProblem(location: error.mark.description, message: error.message)])
        }
        var reader = Reader()
        var scenarios: [GatewayScenario] = []
        for document in documents {
            guard let root = document.root else { continue }
            if let scenario = reader.scenario(root) { scenarios.append(scenario) }
        }
        return (reader.problems.isEmpty ? scenarios : [], reader.problems)
    }

    private struct Reader {
        var problems: [ScenarioProblem] = []

        mutating func fail(_ message: String, at node: YAMLNode) {
            problems.append(ScenarioProblem(location: node.mark.description, message: message))
        }

        func place(_ node: YAMLNode) -> String { "\(node.mark.file):\(node.mark.line)" }

        mutating func scenario(_ root: YAMLNode) -> GatewayScenario? {
            guard root["kind"]?.scalar?.text == "GatewayTest" else {
                fail("expected 'kind: GatewayTest'", at: root["kind"] ?? root)
                return nil
            }
            guard let name = root["metadata"]?["name"]?.scalar?.text, !name.isEmpty else {
                fail("a GatewayTest needs 'metadata.name'", at: root["metadata"] ?? root)
                return nil
            }
            guard let spec = root["spec"], spec.mapping != nil else {
                fail("a GatewayTest needs a 'spec' mapping", at: root)
                return nil
            }
            check(spec, allowed: ["description", "backends", "steps", "expect"], what: "spec")
            var scenario = GatewayScenario(
                name: name, description: spec["description"]?.scalar?.text, location: place(root))
            for pair in spec["backends"]?.mapping ?? [] {
                guard let host = pair.key.scalar?.text, let script = script(pair.value) else { continue }
                scenario.backends[host.lowercased()] = script
            }
            guard let steps = spec["steps"]?.sequence, !steps.isEmpty else {
                fail("a GatewayTest needs at least one step in 'spec.steps'", at: spec)
                return nil
            }
            for node in steps {
                if let step = step(node) { scenario.steps.append(step) }
            }
            if let expect = spec["expect"] {
                check(expect, allowed: ["metrics", "backendCalls"], what: "spec.expect")
                for metric in expect["metrics"]?.sequence ?? [] {
                    guard let metricName = metric["name"]?.scalar?.text else {
                        fail("a metric expectation needs a 'name'", at: metric)
                        continue
                    }
                    scenario.metrics.append(
                        MetricExpectation(
                            name: metricName, namespace: metric["namespace"]?.scalar?.text,
                            dimensions: strings(metric["dimensions"]),
                            value: integer(metric["value"]), location: place(metric)))
                }
                for pair in expect["backendCalls"]?.mapping ?? [] {
                    guard let host = pair.key.scalar?.text, let count = integer(pair.value) else {
                        fail("backendCalls maps hosts to numbers of requests", at: pair.value)
                        continue
                    }
                    scenario.backendCalls[host.lowercased()] = count
                }
            }
            return scenario
        }

        mutating func step(_ node: YAMLNode) -> ScenarioStep? {
            if let advance = node["advance"] {
                let text = advance.scalar?.text ?? ""
                guard let seconds = Double(text) ?? ISODuration.seconds(text) else {
                    fail("'advance' takes seconds or an ISO 8601 duration such as PT30S, found '\(text)'", at: advance)
                    return nil
                }
                return .advance(seconds: seconds, location: place(node))
            }
            if let scriptNode = node["script"] {
                guard let host = scriptNode["host"]?.scalar?.text, let script = script(scriptNode, ignoring: ["host"])
                else {
                    fail("'script' needs a 'host' and the mock", at: scriptNode)
                    return nil
                }
                return .script(host: host.lowercased(), script, location: place(node))
            }
            guard let request = node["request"] else {
                fail("a step is 'request', 'advance' or 'script'", at: node)
                return nil
            }
            check(node, allowed: ["request", "repeat", "expect", "expectEach"], what: "a request step")
            check(
                request, allowed: ["method", "path", "subscription", "headers", "body", "clientIp"], what: "request")
            guard let path = request["path"]?.scalar?.text, path.hasPrefix("/") else {
                fail("a request needs a 'path' starting with '/'", at: request)
                return nil
            }
            var body: [UInt8] = []
            if let bodyNode = request["body"] {
                if let text = bodyNode.scalar?.text, bodyNode.mapping == nil, bodyNode.sequence == nil {
                    body = Array(text.utf8)
                } else {
                    body = Array(Self.json(bodyNode).serialized().utf8)
                }
            }
            let repeatCount = integer(node["repeat"]) ?? 1
            guard repeatCount >= 1, repeatCount <= 10_000 else {
                fail("'repeat' must be between 1 and 10000", at: node["repeat"] ?? node)
                return nil
            }
            var headers = strings(request["headers"]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if !body.isEmpty, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                headers.append(("Content-Type", "application/json"))
            }
            return .request(
                ScenarioRequest(
                    method: (request["method"]?.scalar?.text ?? "GET").uppercased(), path: path,
                    subscription: request["subscription"]?.scalar?.text, headers: headers, body: body,
                    clientIP: request["clientIp"]?.scalar?.text ?? "127.0.0.1", repeatCount: repeatCount,
                    expect: expectation(node["expect"]), expectEach: node["expectEach"].map { expectation($0) },
                    location: place(node)))
        }

        mutating func expectation(_ node: YAMLNode?) -> ResponseExpectation {
            guard let node else { return ResponseExpectation() }
            check(
                node,
                allowed: [
                    "status", "headers", "body", "bodyContains", "backend", "instance", "backendReceived",
                    "managedIdentity",
                ], what: "expect")
            var expectation = ResponseExpectation(
                status: integer(node["status"]), bodyContains: node["bodyContains"]?.scalar?.text,
                backend: node["backend"]?.scalar?.text, instance: node["instance"]?.scalar?.text)
            expectation.headers = optionalStrings(node["headers"])
            expectation.backendReceived = optionalStrings(node["backendReceived"])
            if case .bool(let flag)? = node["managedIdentity"]?.resolved { expectation.managedIdentity = flag }
            for pair in node["body"]?.mapping ?? [] {
                guard let path = pair.key.scalar?.text else { continue }
                expectation.body.append((path, Self.json(pair.value)))
            }
            return expectation
        }

        mutating func script(_ node: YAMLNode, ignoring: Set<String> = []) -> BackendScript? {
            var json = Self.json(node)
            for key in ignoring { json[key] = nil }
            switch BackendScript.parse(json) {
            case .success(let script): return script
            case .failure(let error):
                fail(error.message, at: node)
                return nil
            }
        }

        mutating func check(_ node: YAMLNode, allowed: Set<String>, what: String) {
            for pair in node.mapping ?? [] {
                guard let key = pair.key.scalar?.text, !allowed.contains(key) else { continue }
                fail(
                    "unknown field '\(key)' in \(what); expected one of \(allowed.sorted().joined(separator: ", "))",
                    at: pair.key)
            }
        }

        func integer(_ node: YAMLNode?) -> Int? {
            guard case .int(let value)? = node?.resolved else { return nil }
            return value
        }

        func strings(_ node: YAMLNode?) -> [String: String] {
            var out: [String: String] = [:]
            for pair in node?.mapping ?? [] {
                guard let key = pair.key.scalar?.text, let value = pair.value.scalar?.text else { continue }
                out[key] = value
            }
            return out
        }

        func optionalStrings(_ node: YAMLNode?) -> [(String, String?)] {
            (node?.mapping ?? []).compactMap { pair in
                guard let key = pair.key.scalar?.text else { return nil }
                if case .null? = pair.value.resolved { return (key, nil) }
                return (key, pair.value.scalar?.text)
            }
        }

        /// The node as JSON (YAML 1.2 core schema).
        static func json(_ node: YAMLNode) -> JSONValue {
            switch node.content {
            case .scalar(let scalar):
                switch scalar.resolve(tag: node.tag) {
                case .null: return .null
                case .bool(let value): return .bool(value)
                case .int(let value): return .number(Double(value))
                case .float(let value): return .number(value)
                case .string(let value): return .string(value)
                }
            case .sequence(let items): return .array(items.map(json))
            case .mapping(let pairs):
                return .object(JSONObject(pairs.map { ($0.key.scalar?.text ?? "", json($0.value)) }))
            }
        }
    }
}
