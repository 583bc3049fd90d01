import Model

/// Policy fragments: a `<fragment>` document stored and checked as policies are (apim-rest.md §10), which cannot be
/// deleted while policies include it, and whose `listReferences` names them.
struct PolicyFragmentRules: EntityRules {
    var kinds: [EntityKind] { [.policyFragments] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        let document = try store.policyDocument(write.properties, root: "fragment")
        var out = JSONObject()
        if let description = write.properties["description"], !description.isNull { out["description"] = description }
        out["value"] = .string(document.stored)
        return Prepared(out)
    }

    func render(_ entity: Entity, rawxml: Bool, in store: isolated EmulatorStore) -> JSONObject {
        var out = JSONObject()
        if let description = entity.properties["description"] { out["description"] = description }
        if rawxml { out["format"] = "rawxml" }
        out["value"] = EmulatorStore.renderedPolicy(entity, rawxml: rawxml)
        out["provisioningState"] = "Succeeded"
        return out
    }

    func uses(_ candidate: Entity, _ target: Entity, in store: isolated EmulatorStore) -> Bool {
        store.policyDocument(of: candidate, uses: target)
    }

    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {
        try store.refuseDeleteIfUsed(entity, what: "The Policy Fragment")
    }

    func action(
        _ action: String, on entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError) -> EmuResponse? {
        guard action == "listreferences" else { return nil }
        let items: [JSONValue] = store.referrers(of: entity).map { id in
            .object(
                JSONObject([
                    ("id", .string(id)), ("name", .string(String(id.split(separator: "/").last ?? ""))),
                    ("type", "Microsoft.ApiManagement/service/policies"),
                ]))
        }
        return try store.page(items, request, filter: false)
    }
}
