import Model

/// API releases: `apiId` must name an existing revision, which the release makes current (apim-rest.md §3.3).
struct ReleaseRules: EntityRules {
    var kinds: [EntityKind] { [.releases] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        let id = props["apiId"]?.stringValue ?? ""
        guard let api = store.entity(id: id, of: .apis) else {
            throw ARMError.validation(target: "apiId", message: "Api with id '\(id)' could not be found.")
        }
        props["apiId"] = .string(store.servicePath + "/apis/" + api.name)
        let now = EmulatorStore.timestamp()
        props["createdDateTime"] = write.existing?.properties["createdDateTime"] ?? .string(now)
        props["updatedDateTime"] = .string(now)
        let apiKey = api.key
        return Prepared(props) { store, _ in
            guard let api = store.state.entity(apiKey) else { return }
            let (base, rev) = EmulatorStore.splitApiName(api.name)
            store.state.currentRevision[base.lowercased()] = rev
        }
    }
}
