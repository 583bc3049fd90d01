import Model

/// Secrets APIM keeps out of an entity: a logger's credentials and a cache's connection string are stored as
/// auto-created secret named values, and the entity reads back `{{<named value>}}` in their place (apim-rest.md §9;
/// spec example `ApiManagementGetCache.json`, commit 376dc4db: `"connectionString": "{{5f7fbca77a891a2200f3db38}}"`).
extension EmulatorStore {
    /// The reference that replaces `text`: kept as is when it already is a `{{…}}` reference, else a new secret
    /// named value called `prefix` + a hex id.
    func secretReference(for text: String, prefix: String) -> String {
        if text.hasPrefix("{{") && text.hasSuffix("}}") { return text }
        let name = prefix + hexId()
        state.save(
            key: "namedValues/\(name)", kind: .namedValues,
            properties: JSONObject([("displayName", .string(name)), ("secret", true), ("tags", [])]),
            hidden: JSONObject([("value", .string(text))]))
        return "{{\(name)}}"
    }
}

extension EmulatorStore {
    /// A Key Vault reference's `lastStatus` after a successful fetch (named values, certificates).
    static func keyVaultSuccess() -> JSONValue {
        .object(JSONObject([("code", "Success"), ("timeStampUtc", .string(timestamp()))]))
    }

    /// `refreshSecret` of a Key Vault reference (`what` names it in the 400 when it is not one): a new
    /// `keyVault.lastStatus`, saved.
    func refreshKeyVault(_ entity: Entity, what: String) throws(ARMError) -> Entity {
        guard var vault = entity.properties["keyVault"]?.objectValue else {
            throw ARMError.badRequest("\(what) '\(entity.name)' is not a Key Vault reference.")
        }
        var props = entity.properties
        vault["lastStatus"] = Self.keyVaultSuccess()
        props["keyVault"] = .object(vault)
        return state.save(key: entity.key, kind: entity.kind, properties: props)
    }
}
