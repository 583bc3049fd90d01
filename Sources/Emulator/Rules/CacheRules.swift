import Model

/// External caches (`caches/{cacheId}`, the Redis cache of `cache-lookup` and `llm-semantic-cache-*`): the
/// connection string is a secret that APIM stores as a named value and reads back as its `{{…}}` reference (spec
/// examples `ApiManagementCreateCache.json` and `ApiManagementGetCache.json`, commit 376dc4db).
struct CacheRules: EntityRules {
    var kinds: [EntityKind] { [.caches] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        if let text = write.submitted["connectionString"]?.stringValue {
            props["connectionString"] = .string(store.secretReference(for: text, prefix: ""))
        }
        return Prepared(props)
    }
}
