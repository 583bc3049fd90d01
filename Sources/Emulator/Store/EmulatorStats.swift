import Model

/// Counters served at `GET /_emulator/stats`.
public struct EmulatorStats: Sendable, Equatable {
    public var totalRequests = 0
    public var byMethod: [String: Int] = [:]
    /// By entity kind pattern (`apis`, `apis/operations`, …) or `_other`.
    public var byKind: [String: Int] = [:]
    /// By `METHOD kind`, e.g. `PUT apis/operations`.
    public var byMethodAndKind: [String: Int] = [:]
    public var byStatus: [Int: Int] = [:]
    public var faultsInjected = 0
    public var throttled = 0

    public init() {}

    /// Counts one answered request.
    mutating func count(method: String, kind: String, status: Int) {
        totalRequests += 1
        byMethod[method, default: 0] += 1
        byKind[kind, default: 0] += 1
        byMethodAndKind["\(method) \(kind)", default: 0] += 1
        byStatus[status, default: 0] += 1
    }

    var json: JSONValue {
        func object(_ map: [String: Int]) -> JSONValue {
            .object(JSONObject(map.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) }))
        }
        return .object(
            JSONObject([
                ("totalRequests", .number(Double(totalRequests))), ("byMethod", object(byMethod)),
                ("byKind", object(byKind)), ("byMethodAndKind", object(byMethodAndKind)),
                ("byStatus", object(Dictionary(uniqueKeysWithValues: byStatus.map { (String($0.key), $0.value) }))),
                ("faultsInjected", .number(Double(faultsInjected))), ("throttled", .number(Double(throttled))),
            ]))
    }
}
