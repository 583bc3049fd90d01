import Model

/// Policy documents at every scope (service, API, operation, product): parsed and stored as APIM re-serialises them
/// (apim-rest.md §11.2), with its referential checks on save (§11.3). A read in `xml` omits `format` (§11.1).
struct PolicyRules: EntityRules {
    var kinds: [EntityKind] { EntityKind.all.filter(\.holdsPolicyDocument) }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        let document = try store.policyDocument(write.properties, root: "policies")
        return Prepared(JSONObject([("value", .string(document.stored))]))
    }

    func render(_ entity: Entity, rawxml: Bool, in store: isolated EmulatorStore) -> JSONObject {
        var out = JSONObject()
        if rawxml { out["format"] = "rawxml" }
        out["value"] = EmulatorStore.renderedPolicy(entity, rawxml: rawxml)
        return out
    }

    func uses(_ candidate: Entity, _ target: Entity, in store: isolated EmulatorStore) -> Bool {
        store.policyDocument(of: candidate, uses: target)
    }
}
