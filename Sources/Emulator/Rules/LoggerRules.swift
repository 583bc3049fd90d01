import Model

/// Loggers (apim-rest.md §9): credentials are kept as auto-created secret named values and read back as
/// `{{Logger-Credentials--<hex>}}` references; Event Hub and Application Insights loggers need credentials or a
/// resource id; a logger cannot be deleted while a diagnostic uses it.
struct LoggerRules: EntityRules {
    var kinds: [EntityKind] { [.loggers] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        let type = props["loggerType"]?.stringValue?.lowercased()
        let credentials = props["credentials"]?.objectValue ?? JSONObject()
        if type == "azureeventhub" || type == "applicationinsights", credentials.isEmpty, props["resourceId"] == nil {
            throw ARMError.validation(
                target: "credentials",
                message: "'credentials' are required for logger type '\(props["loggerType"]?.stringValue ?? "")'.")
        }
        var masked = JSONObject()
        for (key, value) in credentials {
            guard let text = value.stringValue else { continue }
            masked[key] = .string(store.secretReference(for: text, prefix: "Logger-Credentials--"))
        }
        if !credentials.isEmpty { props["credentials"] = .object(masked) }
        if props["isBuffered"] == nil { props["isBuffered"] = true }
        return Prepared(props)
    }

    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {
        try store.refuseDeleteIfUsed(entity, what: "The Logger")
    }
}
