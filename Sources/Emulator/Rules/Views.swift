import Model

/// `GET apis/{apiId}/revisions` (apim-rest.md §3.3): one `ApiRevisionContract` per revision, oldest first.
struct ApiRevisionsView: EntityRules {
    var kinds: [EntityKind] { [.revisions] }

    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        let base = EmulatorStore.splitApiName(store.internalApiName(route.names[0])).base
        let prefix = "apis/\(base.lowercased());rev="
        let revision = { (entity: Entity) in Int(EmulatorStore.splitApiName(entity.name).rev) ?? 0 }
        return store.state.all(kind: .apis).filter { $0.key.lowercased().hasPrefix(prefix) }
            .sorted { revision($0) < revision($1) }
            .map { entity in
                let rev = EmulatorStore.splitApiName(entity.name).rev
                let path = entity.properties["path"]?.stringValue ?? ""
                let created = entity.hidden["createdDateTime"] ?? .string(EmulatorStore.timestamp())
                return .object(
                    JSONObject([
                        ("apiId", .string("/apis/\(base);rev=\(rev)")), ("apiRevision", .string(rev)),
                        ("createdDateTime", created), ("updatedDateTime", created),
                        ("description", entity.properties["apiRevisionDescription"] ?? .null),
                        ("privateUrl", .string("/\(path);rev=\(rev)")), ("isOnline", true),
                        ("isCurrent", .bool(store.state.currentRevision[base.lowercased()] == rev)),
                    ]))
            }
    }
}

/// `GET apis/{apiId}/products`: the products the API is in.
struct ApiProductsView: EntityRules {
    var kinds: [EntityKind] { [.apiProducts] }

    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        let base = EmulatorStore.splitApiName(store.internalApiName(route.names[0])).base.lowercased()
        return store.state.all(kind: .productApis).filter { $0.name.lowercased() == base }
            .compactMap { store.state.entity($0.parentKey) }.map { store.envelope($0) }
    }
}

/// `GET products/{productId}/subscriptions`: the subscriptions scoped to the product.
struct ProductSubscriptionsView: EntityRules {
    var kinds: [EntityKind] { [.productSubscriptions] }

    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        let scope = store.armId(store.resolveKey(route, count: 1)).lowercased()
        return store.state.all(kind: .subscriptions).filter {
            $0.properties["scope"]?.stringValue?.lowercased() == scope
        }.map { store.envelope($0) }
    }
}

/// `GET allPolicies`: every policy document of the service, as `AllPoliciesContract`s.
struct AllPoliciesView: EntityRules {
    var kinds: [EntityKind] { [.allPolicies] }
    /// The kinds whose entities are policy documents (read through the kind index, not a scan of every entity).
    static let policyKinds = EntityKind.all.filter(\.holdsPolicyDocument)

    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        Self.policyKinds.flatMap { store.state.anyOrder(kind: $0) }.sorted { $0.seq < $1.seq }.map { entity in
            let name = "allpolicies\(entity.seq)"
            return .object(
                JSONObject([
                    ("id", .string(store.servicePath + "/allPolicies/" + name)),
                    ("type", "Microsoft.ApiManagement/service/allpolicies"), ("name", .string(name)),
                    (
                        "properties",
                        .object(
                            JSONObject([
                                ("referencePolicyId", .string(store.armId(entity.key))),
                                ("complianceState", "Compliant"),
                            ]))
                    ),
                ]))
        }
    }
}
