import APIMSpec
import Model

/// Request bodies that break one constraint of the spec each, placed at its path inside a valid body, for every
/// constrained property reachable from a PUT's body definition (`pool.services[0].priority`, `credentials.key`).
struct SpecBodyCases {
    /// One violating body and the `details[].target` the emulator must report.
    struct Case: CustomStringConvertible {
        var target: String
        var rule: String
        var properties: JSONObject
        var description: String { "\(target) (\(rule))" }
    }

    /// A step from a value into one inside it.
    enum Step {
        case member(String)
        case firstItem
        case mapValue
    }

    let version: APIVersion
    let table: [String: SpecDefinition]

    init(version: APIVersion) {
        self.version = version
        self.table = SpecCatalog.shared.definitions(in: version)
    }

    /// The cases of the body definition `definition` (the `properties` of a PUT body), built on `valid`.
    func cases(of definition: String, valid: JSONObject) -> [Case] {
        var result: [Case] = []
        var seen: Set<String> = []
        var queue: [(definition: String, path: [Step])] = [(definition, [])]
        while !queue.isEmpty {
            let (name, path) = queue.removeFirst()
            guard seen.insert(name).inserted, let object = table[name] else { continue }
            for property in object.propertyNames {
                guard let spec = object.properties[property], !spec.isReadOnly else { continue }
                walk(spec.type, at: path + [.member(property)], valid: valid, into: &result, queue: &queue)
            }
            if let additional = object.additionalProperties {
                walk(additional, at: path + [.mapValue], valid: valid, into: &result, queue: &queue)
            }
        }
        return result
    }

    private func walk(
        _ type: SpecType, at path: [Step], valid: JSONObject, into result: inout [Case],
        queue: inout [(definition: String, path: [Step])]
    ) {
        for (value, rule) in violations(of: type) {
            result.append(
                Case(target: Self.text(path), rule: rule, properties: Self.placing(value, at: path, in: valid)))
        }
        switch type.kind {
        case .array:
            if let element = type.element {
                walk(element, at: path + [.firstItem], valid: valid, into: &result, queue: &queue)
            }
        case .map:
            if let element = type.element {
                walk(element, at: path + [.mapValue], valid: valid, into: &result, queue: &queue)
            }
        case .object: if let definition = type.definition { queue.append((definition, path)) }
        default: break
        }
    }

    /// One value per constraint of `type` that breaks it, with the rule's name.
    private func violations(of type: SpecType) -> [(JSONValue, String)] {
        var result: [(JSONValue, String)] = []
        if let allowed = type.allowedValues {
            let numbers = allowed.compactMap(\.numberValue)
            result.append((numbers.isEmpty ? "zz-not-allowed" : .number((numbers.max() ?? 0) + 1), "enum"))
            return result
        }
        switch type.kind {
        case .string:
            if let limit = type.maxLength {
                result.append((.string(String(repeating: "a", count: limit + 1)), "maxLength"))
            }
            if let limit = type.minLength, limit > 0 { result.append(("", "minLength")) }
            if let pattern = type.pattern,
                let text = ["*", " ", "a b", "/"].first(where: { !Self.matches($0, pattern) })
            {
                result.append((.string(text), "pattern"))
            }
        case .integer, .number:
            if let limit = type.minimum { result.append((.number(limit - 1), "minimum")) }
            if let limit = type.maximum { result.append((.number(limit + 1), "maximum")) }
        case .array:
            let filler = type.element.map(Self.plain) ?? .null
            if let limit = type.maxItems {
                result.append((.array(Array(repeating: filler, count: limit + 1)), "maxItems"))
            }
            if let limit = type.minItems, limit > 0 {
                result.append((.array(Array(repeating: filler, count: limit - 1)), "minItems"))
            }
            if type.uniqueItems { result.append((.array([filler, filler]), "uniqueItems")) }
        default:
            break
        }
        return result
    }

    /// A value of the type's shape (its constraints aside).
    private static func plain(_ type: SpecType) -> JSONValue {
        if let first = type.allowedValues?.first { return first }
        switch type.kind {
        case .string: return "a"
        case .integer, .number: return .number(type.minimum ?? 1)
        case .boolean: return true
        case .array: return []
        case .object, .map, .any: return .object(JSONObject())
        }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return true }
        return (try? regex.firstMatch(in: text)) != nil
    }

    /// The validator's spelling of a path: `pool.services[0].priority`, `credentials.key`.
    static func text(_ path: [Step]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .member(let name): text += text.isEmpty ? name : "." + name
            case .firstItem: text += "[0]"
            case .mapValue: text += text.isEmpty ? "key" : ".key"
            }
        }
        return text
    }

    /// `value` set at `path` inside `object`, creating the objects and one-item arrays on the way.
    static func placing(_ value: JSONValue, at path: [Step], in object: JSONObject) -> JSONObject {
        placing(value, at: path[...], in: .object(object)).objectValue ?? object
    }

    private static func placing(_ value: JSONValue, at path: ArraySlice<Step>, in container: JSONValue) -> JSONValue {
        guard let step = path.first else { return value }
        let rest = path.dropFirst()
        switch step {
        case .member, .mapValue:
            var key = "key"
            if case .member(let name) = step { key = name }
            var object = container.objectValue ?? JSONObject()
            object[key] = placing(value, at: rest, in: object[key] ?? .object(JSONObject()))
            return .object(object)
        case .firstItem:
            var items = container.arrayValue ?? []
            let first = items.first ?? .object(JSONObject())
            if items.isEmpty { items.append(first) }
            items[0] = placing(value, at: rest, in: first)
            return .array(items)
        }
    }
}
