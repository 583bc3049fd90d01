import Foundation
import Model

/// Named values (apim-rest.md §6): `value` or a Key Vault reference, never rendered when secret or from Key Vault
/// (`listValue` returns it), a display name unique per service (Azure/apiops #837), `refreshSecret` for Key Vault
/// ones, and no delete while a policy or backend uses it.
struct NamedValueRules: EntityRules {
    var kinds: [EntityKind] { [.namedValues] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        var hidden = write.existing?.hidden ?? JSONObject()
        var checks = Checks()
        let displayName = props["displayName"]?.stringValue ?? ""
        // On PATCH the body decides between value and keyVault; on PUT both together are rejected.
        let source = write.isPatch ? write.submitted : props
        let newValue = source["value"].flatMap { $0.isNull ? nil : $0 }
        let newKeyVault = source["keyVault"].flatMap { $0.isNull ? nil : $0 }
        if !write.isPatch, newValue != nil, newKeyVault != nil {
            checks.add("keyVault", "'value' and 'keyVault' are mutually exclusive.")
        }
        if let newValue {
            guard let text = newValue.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                checks.add("value", "'value' must not be empty or white space.")
                try checks.check()
                return Prepared(props)
            }
            hidden["value"] = .string(text)
            props["keyVault"] = nil
        } else if let keyVault = newKeyVault?.objectValue {
            // A reference without a secret identifier refers to nothing.
            if keyVault["secretIdentifier"]?.stringValue == nil {
                checks.add("keyVault.secretIdentifier", "'secretIdentifier' is required.")
            }
            var vault = JSONObject()
            vault["secretIdentifier"] = keyVault["secretIdentifier"] ?? .null
            vault["identityClientId"] = keyVault["identityClientId"] ?? .null
            vault["lastStatus"] = EmulatorStore.keyVaultSuccess()
            props["keyVault"] = .object(vault)
            hidden["value"] = .string("keyvault-secret:" + (keyVault["secretIdentifier"]?.stringValue ?? ""))
        } else if write.existing == nil || !write.isPatch {
            checks.add("value", "Either 'value' or 'keyVault' must be provided.")
        }
        for other in store.state.all(kind: .namedValues)
        where other.key.lowercased() != write.key.lowercased()
            && (other.properties["displayName"]?.stringValue ?? "").lowercased() == displayName.lowercased()
        {
            // Azure/apiops #837: target "name", "Property with the same name already exist."
            checks.add("name", "Property with the same name already exist.")
        }
        try checks.check()
        props["value"] = nil
        if props["secret"] == nil { props["secret"] = false }
        if props["tags"] == nil { props["tags"] = [] }
        return Prepared(props, hidden: hidden)
    }

    /// A plain value is shown (after `displayName`, as APIM orders it); a secret or Key Vault one never is.
    func render(_ entity: Entity, rawxml: Bool, in store: isolated EmulatorStore) -> JSONObject {
        let props = entity.properties
        let isSecret = props["secret"]?.boolValue == true || props["keyVault"] != nil
        guard !isSecret, let value = entity.hidden["value"] else { return props }
        var out = JSONObject()
        for (key, member) in props {
            out[key] = member
            if key == "displayName" { out["value"] = value }
        }
        if out["value"] == nil { out["value"] = value }
        return out
    }

    func checkDeletable(_ entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore) throws(ARMError) {
        try store.refuseDeleteIfUsed(entity, what: "The Named Value")
    }

    func action(
        _ action: String, on entity: Entity, _ request: EmuRequest, in store: isolated EmulatorStore
    ) throws(ARMError) -> EmuResponse? {
        switch action {
        case "listvalue":
            return .json(
                200, .object(JSONObject([("value", entity.hidden["value"] ?? .null)])), headers: [("ETag", entity.etag)]
            )
        case "refreshsecret":
            let saved = try store.refreshKeyVault(entity, what: "Named value")
            let headers = store.startOperation(
                key: saved.key, finalStatus: 200, apiLock: nil, isDelete: false, request)
            if store.operations.isForcingPolls { return .empty(202, headers: headers) }
            return .json(200, store.envelope(saved), headers: headers + [("ETag", saved.etag)])
        default:
            return nil
        }
    }
}
