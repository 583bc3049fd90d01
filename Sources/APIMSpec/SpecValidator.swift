import Model

/// Checks JSON values against the spec's definitions and reports every violation, not just the first.
///
/// What it checks: JSON shape, required properties (when asked), string length, pattern, enum, numeric range, item
/// counts and distinct items, following `$ref`s into nested definitions, arrays and maps. What it leaves alone, as ARM
/// does in a request: read-only properties and members the definition does not know. `null` counts as absent.
/// Member names bind case-insensitively and enum strings compare case-insensitively, as ARM's JSON binding does.
/// String lengths count UTF-16 code units, as .NET's `string.Length` (and so APIM's `MaxLength` checks) does: an
/// emoji outside the Basic Multilingual Plane counts 2. When a value is not one of an enum's allowed values, its
/// other constraints are not reported too.
public struct SpecValidator: Sendable {
    public let catalog: SpecCatalog

    public init(catalog: SpecCatalog = .shared) { self.catalog = catalog }

    /// Validates `value` against `definition` as `version` defines it (see the type's documentation).
    public static func validate(
        _ value: JSONValue, definition: String, version: APIVersion, checkRequired: Bool
    ) -> [SpecViolation] {
        SpecValidator().validate(value, definition: definition, version: version, checkRequired: checkRequired)
    }

    /// Validates `value` against `definition` as `version` defines it.
    public func validate(
        _ value: JSONValue, definition: String, version: APIVersion, checkRequired: Bool
    ) -> [SpecViolation] {
        validate(
            value, as: SpecType(kind: .object, definition: definition), version: version, checkRequired: checkRequired)
    }

    /// Validates `value` against a type (a property's, or a path parameter's), with paths relative to `path`.
    public func validate(
        _ value: JSONValue, as type: SpecType, version: APIVersion, checkRequired: Bool, path: String = ""
    ) -> [SpecViolation] {
        var walker = Walker(
            definitions: catalog.definitions(in: version), patterns: catalog.patterns, checkRequired: checkRequired,
            root: path)
        walker.check(value, type)
        return walker.violations
    }
}

/// One validation run: the path being looked at, and what was found so far.
private struct Walker {
    enum Step {
        case member(String)
        case index(Int)
    }

    let definitions: [String: SpecDefinition]
    let patterns: [String: CompiledPattern]
    let checkRequired: Bool
    let root: String
    var steps: [Step] = []
    var violations: [SpecViolation] = []

    init(definitions: [String: SpecDefinition], patterns: [String: CompiledPattern], checkRequired: Bool, root: String)
    {
        self.definitions = definitions
        self.patterns = patterns
        self.checkRequired = checkRequired
        self.root = root
    }

    mutating func check(_ value: JSONValue, _ type: SpecType) {
        switch (type.kind, value) {
        case (_, .null), (.any, _): return
        case (.string, .string(let text)): checkString(text, type)
        case (.integer, .number(let number)) where number.rounded(.towardZero) == number: checkNumber(number, type)
        case (.number, .number(let number)): checkNumber(number, type)
        case (.boolean, .bool): checkEnum(value, type)
        case (.object, .object(let members)): checkObject(members, type)
        case (.array, .array(let items)): checkArray(items, type)
        case (.map, .object(let members)):
            guard let element = type.element else { return }
            for (key, member) in members { within(.member(key)) { $0.check(member, element) } }
        default: report(.type(expected: type.kind))
        }
    }

    private mutating func checkString(_ text: String, _ type: SpecType) {
        guard checkEnum(.string(text), type) else { return }
        if type.minLength != nil || type.maxLength != nil {
            let length = text.utf16.count
            if let limit = type.minLength, length < limit { report(.minLength(limit: limit, actual: length)) }
            if let limit = type.maxLength, length > limit { report(.maxLength(limit: limit, actual: length)) }
        }
        if let pattern = type.pattern, let compiled = patterns[pattern], !compiled.matches(text) {
            report(.pattern(pattern))
        }
    }

    private mutating func checkNumber(_ number: Double, _ type: SpecType) {
        guard checkEnum(.number(number), type) else { return }
        if let limit = type.minimum, number < limit || (type.exclusiveMinimum && number == limit) {
            report(.minimum(limit: limit, exclusive: type.exclusiveMinimum, actual: number))
        }
        if let limit = type.maximum, number > limit || (type.exclusiveMaximum && number == limit) {
            report(.maximum(limit: limit, exclusive: type.exclusiveMaximum, actual: number))
        }
    }

    /// Reports a value outside the enum; `true` when the value is allowed (or there is no enum).
    @discardableResult
    private mutating func checkEnum(_ value: JSONValue, _ type: SpecType) -> Bool {
        guard let allowed = type.allowedValues else { return true }
        if allowed.contains(value) { return true }
        if case .string(let text) = value, type.lowercasedAllowedStrings?.contains(text.lowercased()) == true {
            return true
        }
        report(.enumeration(allowed: allowed.map { $0.stringValue ?? $0.serialized() }))
        return false
    }

    private mutating func checkObject(_ members: JSONObject, _ type: SpecType) {
        guard let name = type.definition else { return }
        guard let definition = definitions[name] else {
            report(.unknownDefinition(name))
            return
        }
        for (key, member) in members {
            if let property = definition.property(forMember: key) {
                if property.isReadOnly { continue }
                within(.member(key)) { $0.check(member, property.type) }
            } else if let additional = definition.additionalProperties {
                within(.member(key)) { $0.check(member, additional) }
            }
        }
        guard checkRequired else { return }
        for required in definition.required {
            guard let property = definition.properties[required], !property.isReadOnly else { continue }
            if !Self.hasValue(members, for: required) { within(.member(required)) { $0.report(.required) } }
        }
    }

    private static func hasValue(_ members: JSONObject, for name: String) -> Bool {
        if let value = members[name] { return !value.isNull }
        let lowercased = name.lowercased()
        return members.contains { $0.key.lowercased() == lowercased && !$0.value.isNull }
    }

    private mutating func checkArray(_ items: [JSONValue], _ type: SpecType) {
        if let limit = type.minItems, items.count < limit { report(.minItems(limit: limit, actual: items.count)) }
        if let limit = type.maxItems, items.count > limit { report(.maxItems(limit: limit, actual: items.count)) }
        if type.uniqueItems, Set(items).count != items.count { report(.uniqueItems) }
        guard let element = type.element else { return }
        for (index, item) in items.enumerated() { within(.index(index)) { $0.check(item, element) } }
    }

    private mutating func within(_ step: Step, _ body: (inout Walker) -> Void) {
        steps.append(step)
        body(&self)
        steps.removeLast()
    }

    private mutating func report(_ rule: SpecViolation.Rule) {
        violations.append(SpecViolation(path: currentPath(), rule: rule))
    }

    /// `pool.services[0].priority`; a member that is not a plain name is written `["a.b"]`.
    private func currentPath() -> String {
        var path = root
        for step in steps {
            switch step {
            case .index(let index): path += "[\(index)]"
            case .member(let name) where Self.isPlainName(name): path += path.isEmpty ? name : "." + name
            case .member(let name): path += "[\"\(name)\"]"
            }
        }
        return path
    }

    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "[") && $0 != 32 }
    }
}
