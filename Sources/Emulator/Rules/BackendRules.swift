import APIMSpec
import Model

/// Backends (apim-rest.md §5): a pool is created without `url` and `protocol` although the 2024-05-01 spec requires
/// them (example `ApiManagementCreateBackendWithPriorityBasedLoadBalancer`), and reads them back as null; pool
/// members must be existing single backends; `{{named values}}` in credentials must exist; a backend cannot be
/// deleted while a pool or a policy uses it; `reconnect` answers 202.
struct BackendRules: EntityRules {
    var kinds: [EntityKind] { [.backends] }

    static func isPool(_ props: JSONObject) -> Bool { props["type"]?.stringValue?.lowercased() == "pool" }

    func waives(_ violation: SpecViolation, in write: WriteContext, store: isolated EmulatorStore) -> Bool {
        violation.rule == .required && ["url", "protocol"].contains(violation.path) && Self.isPool(write.submitted)
    }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        var checks = Checks()
        for name in Self.namedValueReferences(props) where store.namedValue(displayName: name) == nil {
            checks.add("credentials", "Property '\(name)' not found.")
        }
        guard Self.isPool(props) else {
            try checks.check()
            if props["type"] == nil { props["type"] = "Single" }
            return Prepared(props)
        }
        let services = props["pool"]?["services"]?.arrayValue ?? []
        if services.isEmpty { checks.add("pool", "A backend pool needs at least one service in 'pool.services'.") }
        for (offset, service) in services.enumerated() {
            let id = service["id"]?.stringValue ?? ""
            guard let member = store.entity(id: id, of: .backends) else {
                checks.add("pool.services[\(offset)].id", "Backend with id '\(id)' could not be found.")
                continue
            }
            if Self.isPool(member.properties) {
                checks.add(
                    "pool.services[\(offset)].id", "Backend '\(member.name)' is a pool and cannot be a pool member.")
            }
        }
        try checks.check()
        var out = JSONObject()
        out["title"] = props["title"] ?? .null
        out["type"] = "Pool"
        out["url"] = props["url"] ?? .null
        out["protocol"] = props["protocol"] ?? .null
        for (key, value) in props where out[key] == nil { out[key] = value }
        return Prepared(out)
    }

    /// `{{named value}}` references in a backend's credentials (header and query values, authorization).
    static func namedValueReferences(_ props: JSONObject) -> [String] {
        var texts: [String] = []
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(let text): texts.append(text)
            case .array(let items): items.forEach { collect($0) }
            case .object(let object): object.forEach { collect($0.value) }
            default: break
            }
        }
        collect(props["credentials"])
        var seen = Set<String>()
        return texts.flatMap { PolicyDocument.namedValueNames(in: $0) }.filter { seen.insert($0.lowercased()).inserted }
    }

    /// A pool uses its members; credentials use their named values.
    func uses(_ candidate: Entity, _ target: Entity, in store: isolated EmulatorStore) -> Bool {
        if target.kind == .namedValues {
            let displayName = target.properties["displayName"]?.stringValue?.lowercased()
            return Self.namedValueReferences(candidate.properties).contains { $0.lowercased() == displayName }
        }
        guard target.kind == .backends else { return false }
        let members = candidate.properties["pool"]?["services"]?.arrayValue ?? []
        return members.contains {
            $0["id"]?.stringValue.flatMap { store.keyFromId($0) }?.lowercased() == target.key.lowercased()
        }
    }

    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {
        try store.refuseDeleteIfUsed(entity, what: "The Backend")
    }

    func action(
        _ action: String, on entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError) -> EmuResponse? {
        action == "reconnect" ? .empty(202) : nil
    }
}
