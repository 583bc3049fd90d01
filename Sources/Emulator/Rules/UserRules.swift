import Model

/// Users (`users/{userId}`): registered now, with a Basic identity for their email (spec example
/// `ApiManagementCreateUser.json`), the groups they are members of read back in `groups`; the password is never
/// read back (it is not in the contract a read returns). A delete takes the memberships with it, and the user's
/// subscriptions with `deleteSubscriptions=true`.
struct UserRules: EntityRules {
    var kinds: [EntityKind] { [.users] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        if props["state"] == nil { props["state"] = "active" }
        props["registrationDate"] =
            write.existing?.properties["registrationDate"] ?? .string(EmulatorStore.timestamp())
        if props["identities"] == nil, let email = props["email"]?.stringValue {
            props["identities"] = [["provider": "Basic", "id": .string(email)]]
        }
        return Prepared(props)
    }

    func render(_ entity: Entity, rawxml: Bool, in store: isolated EmulatorStore) -> JSONObject {
        var props = entity.properties
        props["groups"] = .array(store.groups(of: entity).map { .object($0.properties) })
        return props
    }

    func cascade(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) {
        let owner = store.armId(entity.key).lowercased()
        store.state.removeTree(entity.key)
        store.removeAssociations(to: entity)
        guard request.queryValue("deleteSubscriptions")?.lowercased() == "true" else { return }
        for subscription in store.state.all(kind: .subscriptions)
        where subscription.properties["ownerId"]?.stringValue?.lowercased() == owner {
            store.state.removeTree(subscription.key)
        }
    }
}

/// `GET users/{userId}/groups`: the groups the user is a member of.
struct UserGroupsView: EntityRules {
    var kinds: [EntityKind] { [.userGroups] }

    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        guard let user = store.state.entity(store.resolveKey(route, count: 1)) else { return [] }
        return store.groups(of: user).map { store.envelope($0) }
    }
}

/// `GET users/{userId}/subscriptions[/{sid}]`: the subscriptions the user owns.
struct UserSubscriptionsView: EntityRules {
    var kinds: [EntityKind] { [.userSubscriptions] }

    func list(_ route: Route, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) -> [JSONValue]?
    {
        let owner = store.armId(store.resolveKey(route, count: 1)).lowercased()
        return store.state.all(kind: .subscriptions).filter {
            $0.properties["ownerId"]?.stringValue?.lowercased() == owner
        }.map { store.envelope($0) }
    }
}

extension EmulatorStore {
    /// The groups `user` is a member of (`groups/{g}/users/{u}` entries), in creation order.
    func groups(of user: Entity) -> [Entity] {
        let name = user.name.lowercased()
        return state.all(kind: .groupUsers).filter { $0.name.lowercased() == name }
            .compactMap { state.entity($0.parentKey) }
    }
}
