import APIMSpec
import Model

/// A value for one property of a definition, generated from the constraint table, and the violations it must give.
struct ConstraintCase: CustomStringConvertible {
    var version: APIVersion
    var definition: String
    var property: String
    var value: JSONValue
    /// Where the violations must be reported (relative to the definition).
    var path: String
    /// Empty for a conforming value.
    var expected: [SpecViolation.Rule]

    var description: String { "\(version) \(definition) \(path): \(expected.isEmpty ? "conforming" : "\(expected)")" }
}

/// Builds, for every constrained property of every definition reachable from some request bodies, a value that
/// breaks each constraint (and nothing else) and a value that conforms.
struct ConstraintCaseGenerator {
    let catalog: SpecCatalog

    /// The definitions reachable from `roots` in `version`: their properties' objects, items and map values.
    func reachableDefinitions(from roots: [String], in version: APIVersion) -> [SpecDefinition] {
        let table = catalog.definitions(in: version)
        var seen: Set<String> = []
        var queue = roots
        var result: [SpecDefinition] = []
        while let name = queue.popLast() {
            guard seen.insert(name).inserted, let definition = table[name] else { continue }
            result.append(definition)
            let types = definition.properties.values.map(\.type) + [definition.additionalProperties].compactMap { $0 }
            for type in types {
                var inner = type
                while let element = inner.element { inner = element }
                if let target = inner.definition { queue.append(target) }
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The cases of every writable constrained property of `definitions`, and the constraints no value could be
    /// built for (which the caller reports as failures).
    func cases(
        for definitions: [SpecDefinition], in version: APIVersion
    ) -> (
        cases: [ConstraintCase], unbuildable: [String]
    ) {
        var cases: [ConstraintCase] = []
        var unbuildable: [String] = []
        for definition in definitions {
            for name in definition.propertyNames {
                guard let property = definition.properties[name], !property.isReadOnly else { continue }
                let generated = violations(of: property.type)
                guard !generated.cases.isEmpty || !generated.unbuildable.isEmpty else { continue }
                guard let good = conforming(property.type) else {
                    unbuildable.append("\(version) \(definition.name).\(name): no conforming value")
                    continue
                }
                let base = ConstraintCase(
                    version: version, definition: definition.name, property: name, value: good, path: name,
                    expected: [])
                cases.append(base)
                for (value, subpath, expected) in generated.cases {
                    var broken = base
                    broken.value = value
                    broken.path = name + subpath
                    broken.expected = expected
                    cases.append(broken)
                }
                unbuildable += generated.unbuildable.map { "\(version) \(definition.name).\(name)\($0)" }
            }
        }
        return (cases, unbuildable)
    }

    // MARK: Violating values

    typealias Generated = (cases: [(JSONValue, String, [SpecViolation.Rule])], unbuildable: [String])

    private func violations(of type: SpecType) -> Generated {
        switch type.kind {
        case .string: return stringViolations(type)
        case .integer, .number: return numberViolations(type)
        case .array: return arrayViolations(type)
        case .map:
            guard let element = type.element else { return ([], []) }
            let inner = violations(of: element)
            return (inner.cases.map { (["key": $0.0], ".key" + $0.1, $0.2) }, inner.unbuildable.map { ".key" + $0 })
        case .boolean, .object, .any: return ([], [])
        }
    }

    private func stringViolations(_ type: SpecType) -> Generated {
        if let allowed = type.allowedValues {
            let value = "zz-not-an-allowed-value"
            return (
                [(.string(value), "", [.enumeration(allowed: allowed.map { $0.stringValue ?? $0.serialized() })])], []
            )
        }
        var result: Generated = ([], [])
        if let limit = type.maxLength {
            if let text = matchingString(count: limit + 1, type.pattern) {
                result.cases.append((.string(text), "", [.maxLength(limit: limit, actual: limit + 1)]))
            } else {
                result.unbuildable.append(": maxLength \(limit)")
            }
        }
        if let limit = type.minLength, limit > 0 {
            let text = matchingString(count: limit - 1, type.pattern) ?? ""
            var expected: [SpecViolation.Rule] = [.minLength(limit: limit, actual: text.utf16.count)]
            if let pattern = type.pattern, !Self.matches(text, pattern) { expected.append(.pattern(pattern)) }
            result.cases.append((.string(text), "", expected))
        }
        if let pattern = type.pattern {
            let count = min(max(type.minLength ?? 1, 1), type.maxLength ?? .max)
            let candidates = ["*", " ", "-", "/", "a", "é"].map { String(repeating: $0, count: count) }
            if let text = candidates.first(where: { !Self.matches($0, pattern) }) {
                result.cases.append((.string(text), "", [.pattern(pattern)]))
            } else {
                result.unbuildable.append(": pattern \(pattern)")
            }
        }
        return result
    }

    private func numberViolations(_ type: SpecType) -> Generated {
        let step = type.kind == .integer ? 1.0 : 0.5
        if let allowed = type.allowedValues {
            let largest = allowed.compactMap(\.numberValue).max() ?? 0
            return (
                [
                    (
                        .number(largest + 1), "",
                        [.enumeration(allowed: allowed.map { $0.stringValue ?? $0.serialized() })]
                    )
                ], []
            )
        }
        var result: Generated = ([], [])
        if let limit = type.minimum {
            let value = type.exclusiveMinimum ? limit : limit - step
            result.cases.append(
                (.number(value), "", [.minimum(limit: limit, exclusive: type.exclusiveMinimum, actual: value)]))
        }
        if let limit = type.maximum {
            let value = type.exclusiveMaximum ? limit : limit + step
            result.cases.append(
                (.number(value), "", [.maximum(limit: limit, exclusive: type.exclusiveMaximum, actual: value)]))
        }
        return result
    }

    private func arrayViolations(_ type: SpecType) -> Generated {
        guard let element = type.element else { return ([], []) }
        var result: Generated = ([], [])
        let filler = conforming(element)
        let floor = type.minItems ?? 0
        if let limit = type.minItems, limit > 0 {
            if let filler, !type.uniqueItems || limit - 1 <= 1 {
                result.cases.append(
                    (
                        .array(Array(repeating: filler, count: limit - 1)), "",
                        [.minItems(limit: limit, actual: limit - 1)]
                    ))
            } else {
                result.unbuildable.append(": minItems \(limit)")
            }
        }
        if let limit = type.maxItems {
            if let filler, !type.uniqueItems {
                result.cases.append(
                    (
                        .array(Array(repeating: filler, count: limit + 1)), "",
                        [.maxItems(limit: limit, actual: limit + 1)]
                    ))
            } else {
                result.unbuildable.append(": maxItems \(limit)")
            }
        }
        let inner = violations(of: element)
        for (value, subpath, expected) in inner.cases {
            guard floor <= 1 || filler != nil else {
                result.unbuildable.append("[0]\(subpath): no filler items")
                continue
            }
            let items = [value] + Array(repeating: filler ?? .null, count: max(floor - 1, 0))
            result.cases.append((.array(items), "[0]" + subpath, expected))
        }
        result.unbuildable += inner.unbuildable.map { "[0]" + $0 }
        return result
    }

    // MARK: Conforming values

    /// A value that breaks none of the type's constraints, or `nil` if none could be built.
    func conforming(_ type: SpecType) -> JSONValue? {
        if let first = type.allowedValues?.first { return first }
        switch type.kind {
        case .string:
            let count = min(max(type.minLength ?? 0, 1), type.maxLength ?? .max)
            return matchingString(count: count, type.pattern).map(JSONValue.string)
        case .integer, .number:
            let step = type.kind == .integer ? 1.0 : 0.5
            if let minimum = type.minimum { return .number(type.exclusiveMinimum ? minimum + step : minimum) }
            if let maximum = type.maximum { return .number(type.exclusiveMaximum ? maximum - step : maximum) }
            return 1
        case .boolean: return true
        case .object, .map: return .object(JSONObject())
        case .any: return "any"
        case .array:
            let count = type.minItems ?? 0
            guard count > 0 else { return [] }
            guard let element = type.element.flatMap(conforming), count == 1 || !type.uniqueItems else { return nil }
            return .array(Array(repeating: element, count: count))
        }
    }

    /// A string of `count` UTF-16 code units that matches `pattern` (any string when there is none).
    private func matchingString(count: Int, _ pattern: String?) -> String? {
        let candidates = [
            String(repeating: "a", count: count),
            "/" + String(repeating: "a", count: max(count - 1, 0)),
        ]
        return candidates.first { candidate in
            candidate.utf16.count == count && (pattern.map { Self.matches(candidate, $0) } ?? true)
        }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return true }
        return (try? regex.firstMatch(in: text)) != nil
    }
}
