import Model

/// Tag descriptions of an API: named after an existing tag, whose display name and id they show (apim-rest.md §3.6).
struct TagDescriptionRules: EntityRules {
    var kinds: [EntityKind] { [.tagDescriptions] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        guard let tag = store.state.entity("tags/\(write.name)") else {
            throw ARMError.validation(
                target: "tagDescriptionId", message: "Tag with id '\(write.name)' could not be found.")
        }
        var props = write.properties
        props["displayName"] = tag.properties["displayName"] ?? .null
        props["tagId"] = .string(store.armId(tag.key))
        return Prepared(props)
    }
}
