import Model

/// Products (apim-rest.md §7): without a required subscription, `approvalRequired` and `subscriptionsLimit` must not
/// be set (the spec says so in prose); `subscriptionRequired` reads back true and `state` notPublished when not
/// given; `deleteSubscriptions=true` deletes the product's subscriptions with it.
struct ProductRules: EntityRules {
    var kinds: [EntityKind] { [.products] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        var checks = Checks()
        if props["subscriptionRequired"]?.boolValue == false {
            if props["approvalRequired"]?.boolValue == true {
                checks.add(
                    "approvalRequired", "'approvalRequired' can be set only when 'subscriptionRequired' is true.")
            }
            if let limit = props["subscriptionsLimit"], !limit.isNull {
                checks.add(
                    "subscriptionsLimit", "'subscriptionsLimit' can be set only when 'subscriptionRequired' is true.")
            }
        }
        try checks.check()
        if props["subscriptionRequired"] == nil { props["subscriptionRequired"] = true }
        if props["state"] == nil { props["state"] = "notPublished" }
        return Prepared(props)
    }

    func cascade(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) {
        store.state.removeTree(entity.key)
        store.removeAssociations(to: entity)
        guard request.queryValue("deleteSubscriptions")?.lowercased() == "true" else { return }
        let id = store.armId(entity.key).lowercased()
        for subscription in store.state.all(kind: .subscriptions)
        where subscription.properties["scope"]?.stringValue?.lowercased() == id {
            store.state.removeTree(subscription.key)
        }
    }
}
