import Model

/// `*Links` resources (apim-rest.md §7, §10): the one id member must name an existing entity of the link's target
/// kind, and is stored as its full id. They are one relation with the associations (`EmulatorStore.associatedTargets`).
struct LinkRules: EntityRules {
    var kinds: [EntityKind] { EntityKind.all.filter(\.isLink) }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        guard let property = write.kind.linkProperty, let target = write.kind.linkTarget else {
            return Prepared(write.properties)
        }
        let id = write.properties[property]?.stringValue ?? ""
        guard let entity = store.entity(id: id, of: target) else {
            throw ARMError.validation(target: property, message: "\(target.label) with id '\(id)' could not be found.")
        }
        return Prepared(JSONObject([(property, .string(store.armId(entity.key)))]))
    }
}
