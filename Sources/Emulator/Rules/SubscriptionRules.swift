import Model

/// Subscriptions (apim-rest.md §8): the scope must be all APIs, an existing API or an existing product, and the owner
/// an existing user (both stored as full ids); keys are generated when not given, never rendered, and read with `listSecrets`; the built-in `master`
/// subscription cannot be deleted.
struct SubscriptionRules: EntityRules {
    var kinds: [EntityKind] { [.subscriptions] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        let scope = props["scope"]?.stringValue ?? ""
        let relative: String
        if scope.lowercased().hasPrefix(store.servicePath.lowercased()) {
            relative = String(scope.dropFirst(store.servicePath.count))
        } else {
            relative = scope.hasPrefix("/") ? scope : "/" + scope
        }
        if relative.lowercased() == "/apis" {
            props["scope"] = .string(store.servicePath + "/apis")
        } else if let key = store.keyFromId(relative), let target = store.state.entity(key),
            target.kind == .apis || target.kind == .products
        {
            props["scope"] = .string(store.armId(target.key))
        } else {
            throw ARMError.validation(target: "scope", message: "Subscription scope '\(scope)' could not be found.")
        }
        if let owner = props["ownerId"]?.stringValue, !owner.isEmpty {
            guard let user = store.entity(id: owner, of: .users) else {
                throw ARMError.validation(target: "ownerId", message: "User with id '\(owner)' could not be found.")
            }
            props["ownerId"] = .string(store.armId(user.key))
        }
        var hidden = write.existing?.hidden ?? JSONObject()
        for keyName in ["primaryKey", "secondaryKey"] {
            if let given = props[keyName]?.stringValue {
                hidden[keyName] = .string(given)
            } else if hidden[keyName] == nil {
                hidden[keyName] = .string(store.hexId(32))
            }
            props[keyName] = nil
        }
        if props["state"] == nil { props["state"] = write.existing?.properties["state"] ?? "submitted" }
        props["createdDate"] = write.existing?.properties["createdDate"] ?? .string(EmulatorStore.timestamp())
        return Prepared(props, hidden: hidden)
    }

    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {
        if entity.name.lowercased() == "master" {
            throw ARMError.badRequest("The master subscription cannot be deleted.")
        }
    }

    func action(
        _ action: String, on entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError) -> EmuResponse? {
        switch action {
        case "listsecrets":
            let keys = JSONObject([
                ("primaryKey", entity.hidden["primaryKey"] ?? .null),
                ("secondaryKey", entity.hidden["secondaryKey"] ?? .null),
            ])
            return .json(200, .object(keys), headers: [("ETag", entity.etag)])
        case "regenerateprimarykey", "regeneratesecondarykey":
            var hidden = entity.hidden
            hidden[action == "regenerateprimarykey" ? "primaryKey" : "secondaryKey"] = .string(store.hexId(32))
            store.state.save(key: entity.key, kind: entity.kind, properties: entity.properties, hidden: hidden)
            return .empty(204)
        default:
            return nil
        }
    }
}
