import Model

/// Groups (apim-rest.md §10): the system groups (`builtIn`) cannot be changed or deleted; a new group is `custom`
/// unless it is `external`.
struct GroupRules: EntityRules {
    var kinds: [EntityKind] { [.groups] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        if let existing = write.existing, existing.properties["builtIn"]?.boolValue == true {
            throw ARMError.badRequest("System group '\(existing.name)' cannot be modified.")
        }
        var props = write.properties
        props["builtIn"] = false
        if props["type"] == nil || props["type"]?.stringValue == "system" { props["type"] = "custom" }
        return Prepared(props)
    }

    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {
        if entity.properties["builtIn"]?.boolValue == true {
            throw ARMError.badRequest("System group '\(entity.name)' cannot be deleted.")
        }
    }
}
