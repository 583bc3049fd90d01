import Model

/// Diagnostics (service and API level): `loggerId` must name an existing logger (stored as its full id), and a logger
/// cannot be deleted while a diagnostic uses it (apim-rest.md §9).
struct DiagnosticRules: EntityRules {
    var kinds: [EntityKind] { [.diagnostics, .apiDiagnostics] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        let id = props["loggerId"]?.stringValue ?? ""
        guard let logger = store.entity(id: id, of: .loggers) else {
            throw ARMError.validation(target: "loggerId", message: "Logger with id '\(id)' could not be found.")
        }
        props["loggerId"] = .string(store.armId(logger.key))
        return Prepared(props)
    }

    func uses(_ candidate: Entity, _ target: Entity, in store: isolated EmulatorStore) -> Bool {
        guard target.kind == .loggers, let id = candidate.properties["loggerId"]?.stringValue else { return false }
        return store.keyFromId(id)?.lowercased() == target.key.lowercased()
    }
}
