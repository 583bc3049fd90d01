import APIMSpec
import Model

/// A request body's `properties` as the spec of one api-version sees it: the violations ARM reports, and the members
/// a request may set (the definition's properties that are not read-only). ARM ignores members a version does not
/// define, at any depth, and so does the emulator: they are dropped rather than stored and echoed back.
struct RequestBody: Sendable {
    let definition: String
    let version: APIVersion

    /// Every violation of `properties`, with paths relative to `properties` (`pool.services[0].priority`).
    func violations(_ properties: JSONObject, checkRequired: Bool) -> [SpecViolation] {
        SpecValidator(catalog: .shared).validate(
            .object(properties), as: SpecType(kind: .object, definition: definition), version: version,
            checkRequired: checkRequired)
    }

    /// `properties` with only the members a request may set, under the spec's own spelling of their names.
    func known(_ properties: JSONObject) -> JSONObject {
        let table = SpecCatalog.shared.definitions(in: version)
        return Self.known(.object(properties), SpecType(kind: .object, definition: definition), table).objectValue
            ?? properties
    }

    private static func known(_ value: JSONValue, _ type: SpecType, _ table: [String: SpecDefinition]) -> JSONValue {
        switch (type.kind, value) {
        case (.object, .object(let members)):
            guard let name = type.definition, let definition = table[name],
                !definition.properties.isEmpty || definition.additionalProperties != nil
            else { return value }
            var kept = JSONObject()
            for (key, member) in members {
                if let property = definition.property(forMember: key) {
                    if !property.isReadOnly { kept[property.name] = known(member, property.type, table) }
                } else if let additional = definition.additionalProperties {
                    kept[key] = known(member, additional, table)
                }
            }
            return .object(kept)
        case (.array, .array(let items)):
            guard let element = type.element else { return value }
            return .array(items.map { known($0, element, table) })
        case (.map, .object(let members)):
            guard let element = type.element else { return value }
            return .object(JSONObject(members.map { ($0.key, known($0.value, element, table)) }))
        default:
            return value
        }
    }
}

extension ARMError.Detail {
    /// ARM's detail for a spec violation: target = the property path below `properties`.
    init(_ violation: SpecViolation) {
        self.init(code: "ValidationError", target: violation.path, message: violation.message)
    }
}
