import Foundation
import Model

/// The gateway's HTTP surface without the socket: `/_emulator/mocks/<host>` scripts simulated backends,
/// `/_emulator/metrics` lists emitted token metrics, `/_emulator/clock` moves a manual clock; every other request
/// goes through ``LocalGateway/handle(_:)``.
public struct GatewayFront: Sendable {
    public let gateway: LocalGateway
    /// The clock the gateway reads, when tests (or `--gateway-manual-clock`) drive it.
    public let manualClock: ManualGatewayClock?

    public init(gateway: LocalGateway, manualClock: ManualGatewayClock? = nil) {
        self.gateway = gateway
        self.manualClock = manualClock
    }

    public func respond(_ request: GatewayRequest) async -> GatewayResponse {
        let path = request.path
        guard path.hasPrefix("/_emulator/") else { return await gateway.handle(request) }
        if path.hasPrefix("/_emulator/mocks/") {
            let host = String(path.dropFirst("/_emulator/mocks/".count)).lowercased()
            guard !host.isEmpty, !host.contains("/") else { return Self.json(404, ["error": "no such mock"]) }
            switch request.method {
            case "PUT":
                guard let json = try? JSONValue.parse(request.body) else {
                    return Self.json(400, ["error": "the body is not JSON"])
                }
                switch BackendScript.parse(json) {
                case .success(let script):
                    await gateway.setScript(script, for: host)
                    return Self.json(200, script.json)
                case .failure(let error):
                    return Self.json(400, .object(JSONObject([("error", .string(error.message))])))
                }
            case "GET":
                guard let script = await gateway.script(for: host) else {
                    return Self.json(404, ["error": "no mock for this host"])
                }
                return Self.json(200, script.json)
            case "DELETE":
                await gateway.removeScript(for: host)
                return GatewayResponse(status: 204)
            default:
                return Self.json(405, ["error": "use PUT, GET or DELETE"])
            }
        }
        if path == "/_emulator/metrics", request.method == "GET" {
            return Self.json(200, Self.metricsJSON(await gateway.metrics()))
        }
        if path == "/_emulator/clock/advance", request.method == "POST" {
            guard let manualClock else { return Self.json(409, ["error": "the gateway runs on the system clock"]) }
            guard let seconds = request.query.first(where: { $0.0 == "seconds" }).flatMap({ Double($0.1) }) else {
                return Self.json(400, ["error": "give ?seconds=N"])
            }
            manualClock.advance(seconds: seconds)
            return Self.json(200, .object(JSONObject([("now", .number(manualClock.now()))])))
        }
        return Self.json(404, ["error": "unknown emulator endpoint"])
    }

    /// `{"metrics": [{"namespace", "name", "dimensions", "value", "count"}]}`: values summed per namespace, name
    /// and dimensions, in the order first emitted.
    public static func metricsJSON(_ metrics: [TokenMetric]) -> JSONValue {
        var order: [TokenMetric] = []
        var sums: [TokenMetric: (value: Int, count: Int)] = [:]
        for metric in metrics {
            var key = metric
            key.value = 0
            if sums[key] == nil { order.append(key) }
            let current = sums[key] ?? (0, 0)
            sums[key] = (current.value + metric.value, current.count + 1)
        }
        let items = order.map { key -> JSONValue in
            let total = sums[key] ?? (0, 0)
            let dimensions = JSONObject(
                key.dimensions.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
            return .object(
                JSONObject([
                    ("namespace", .string(key.namespace)), ("name", .string(key.name)),
                    ("dimensions", .object(dimensions)),
                    ("value", .number(Double(total.value))), ("count", .number(Double(total.count))),
                ]))
        }
        return .object(JSONObject([("metrics", .array(items))]))
    }

    private static func json(_ status: Int, _ body: JSONValue) -> GatewayResponse {
        GatewayResponse(
            status: status, headers: HeaderFields([("Content-Type", "application/json")]),
            body: Array(body.serialized().utf8))
    }
}
