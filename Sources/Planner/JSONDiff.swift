import Model

/// Field-level differences between two JSON values, as paths like `circuitBreaker.rules[0].tripDuration`.
enum JSONDiff {
    static func diff(_ before: JSONValue?, _ after: JSONValue?, path: String) -> [FieldChange] {
        if equal(before, after) { return [] }
        switch (before, after) {
        case (.object(let lhs)?, .object(let rhs)?):
            var keys = lhs.keys
            for key in rhs.keys where lhs[key] == nil { keys.append(key) }
            return keys.flatMap { diff(lhs[$0], rhs[$0], path: join(path, $0)) }
        case (.array(let lhs)?, .array(let rhs)?) where lhs.count == rhs.count:
            return zip(lhs, rhs).enumerated().flatMap { index, pair in diff(pair.0, pair.1, path: "\(path)[\(index)]") }
        default:
            return [FieldChange(path: path, before: before.map(display), after: after.map(display))]
        }
    }

    /// Equality that treats ids case-insensitively, as ARM does.
    static func equal(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a)?, .string(let b)?) where a.hasPrefix("/") && b.hasPrefix("/"):
            return a.lowercased() == b.lowercased()
        case (.array(let a)?, .array(let b)?):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a)?, .object(let b)?):
            return Set(a.keys) == Set(b.keys) && a.keys.allSatisfy { equal(a[$0], b[$0]) }
        default:
            return lhs == rhs
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// Scalars as written (`PT1M`, `true`, `50`); containers as compact JSON.
    static func display(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        default: value.serialized()
        }
    }
}
