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
        let type = SpecType(kind: .object, definition: definition)
        return Self.known(.object(properties), type, table, readOnly: false).objectValue ?? properties
    }

    /// `properties` with only the members the definition has (read-only ones included): what a read at `version`
    /// shows of an entity written at a newer one.
    func defined(_ properties: JSONObject) -> JSONObject {
        let table = SpecCatalog.shared.definitions(in: version)
        let type = SpecType(kind: .object, definition: definition)
        return Self.known(.object(properties), type, table, readOnly: true).objectValue ?? properties
    }

    /// The top-level members of `properties` that the read definition `read` has: a member only a request carries
    /// (a user's `password`, a certificate's PFX `data`) is never stored, so never read back.
    func readable(_ properties: JSONObject, read: String) -> JSONObject {
        guard let shown = SpecCatalog.shared.definition(read, in: version) else { return properties }
        return JSONObject(properties.filter { shown.property(forMember: $0.key) != nil }.map { ($0.key, $0.value) })
    }

    private static func known(
        _ value: JSONValue, _ type: SpecType, _ table: [String: SpecDefinition], readOnly: Bool
    ) -> JSONValue {
        switch (type.kind, value) {
        case (.object, .object(let members)):
            guard let name = type.definition, let definition = table[name],
                !definition.properties.isEmpty || definition.additionalProperties != nil
            else { return value }
            var kept = JSONObject()
            for (key, member) in members {
                if let property = definition.property(forMember: key) {
                    if readOnly || !property.isReadOnly {
                        kept[property.name] = known(member, property.type, table, readOnly: readOnly)
                    }
                } else if let additional = definition.additionalProperties {
                    kept[key] = known(member, additional, table, readOnly: readOnly)
                }
            }
            return .object(kept)
        case (.array, .array(let items)):
            guard let element = type.element else { return value }
            return .array(items.map { known($0, element, table, readOnly: readOnly) })
        case (.map, .object(let members)):
            guard let element = type.element else { return value }
            return .object(JSONObject(members.map { ($0.key, known($0.value, element, table, readOnly: readOnly)) }))
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
