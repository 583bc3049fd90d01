import Model

/// API version sets (apim-rest.md §4): the `Query` scheme needs `versionQueryName` and the `Header` scheme
/// `versionHeaderName`, a condition the spec states only in prose.
struct ApiVersionSetRules: EntityRules {
    var kinds: [EntityKind] { [.apiVersionSets] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        let props = write.properties
        let needed: String? =
            switch props["versioningScheme"]?.stringValue?.lowercased() {
            case "query": "versionQueryName"
            case "header": "versionHeaderName"
            default: nil
            }
        if let needed, props[needed]?.stringValue?.isEmpty ?? true {
            throw ARMError.validation(
                target: needed,
                message:
                    "'\(needed)' is required when 'versioningScheme' is '\(props["versioningScheme"]?.stringValue ?? "")'."
            )
        }
        return Prepared(props)
    }
}
