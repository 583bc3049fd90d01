import Model

/// `kind: AuthorizationProvider`: an OAuth 2.0 provider of APIM's credential manager, with its authorizations
/// (connections) and their access policies. Client secrets and connection parameters that are secrets are given as
/// `{env: …}` or `{file: …}` and read at apply time; a literal secret is refused.
enum AuthorizationProviderKind: ManifestKind {
    static let kindName = "AuthorizationProvider"
    static let resourceKind: ResourceKind? = .authorizationProvider

    /// A string map whose values may be secret sources.
    static let parameters = FieldType.map(.scalarOr(.string, CommonFields.secretSource))

    static let accessPolicy = FieldType.object(
        ObjectSchema([
            FieldSchema("tenantId", .string), FieldSchema("objectId", .string), FieldSchema("appIds", .list(.string)),
        ]))

    static let authorization = FieldType.object(
        ObjectSchema([
            FieldSchema("authorizationType", .string),
            FieldSchema("oauth2grantType", .string),
            FieldSchema("parameters", parameters),
            FieldSchema("accessPolicies", .map(accessPolicy)),
        ]))

    static let schema = ObjectSchema([
        FieldSchema("displayName", .string, required: true),
        FieldSchema("identityProvider", .string, required: true),
        FieldSchema(
            "oauth2",
            .object(
                ObjectSchema([
                    FieldSchema(
                        "grantTypes",
                        .object(
                            ObjectSchema([
                                FieldSchema("authorizationCode", parameters),
                                FieldSchema("clientCredentials", parameters),
                            ])), required: true)
                ]))),
        FieldSchema("authorizations", .map(authorization)),
    ])

    /// Keys whose values are secrets wherever they appear in a provider or a connection.
    static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered.contains("secret") || lowered.contains("password") || lowered.hasSuffix("token")
    }

    static func lower(_ manifest: DecodedManifest, into context: inout LoweringContext) {
        let provider = manifest.name
        let id = ResourceID(.authorizationProvider, provider)
        var resource = context.resource(id, .null, for: manifest)
        var properties = JSONValue.object(manifest.managedProperties(of: .authorizationProvider, except: ["oauth2"]))
        for grant in ["authorizationCode", "clientCredentials"] {
            guard let values = manifest.spec["oauth2"]?["grantTypes"]?[grant]?.objectValue else { continue }
            let path = "oauth2.grantTypes.\(grant)"
            properties = properties.setting(
                .object(
                    separateSecrets(values, path: path, into: &resource, manifest: manifest, context: &context)),
                atPath: path)
        }
        resource.properties = properties
        context.add(resource)
        for (name, value) in manifest.spec["authorizations"]?.objectValue ?? JSONObject() {
            let authorizationID = ResourceID(.authorization, provider, name)
            var connection = context.resource(authorizationID, .null, for: manifest)
            var connectionProperties = ResourceKind.authorization.descriptor.managedProperties(
                in: value, except: ["parameters"])
            if let values = value["parameters"]?.objectValue {
                connectionProperties["parameters"] = .object(
                    separateSecrets(
                        values, path: "parameters", into: &connection, manifest: manifest, context: &context,
                        manifestPath: "spec.authorizations.\(name).parameters"))
            }
            connection.properties = .object(connectionProperties)
            connection.dependencies = [id]
            context.add(connection)
            for (policy, policyValue) in value["accessPolicies"]?.objectValue ?? JSONObject() {
                let properties = ResourceKind.authorizationAccessPolicy.descriptor.managedProperties(in: policyValue)
                var access = context.resource(
                    ResourceID(.authorizationAccessPolicy, provider, name, policy), .object(properties), for: manifest)
                access.dependencies = [authorizationID]
                context.add(access)
            }
        }
    }

    /// The plain values of a map, with each `{env|file}` value recorded on `resource` as a secret at `path.key`.
    static func separateSecrets(
        _ values: JSONObject, path: String, into resource: inout Resource, manifest: DecodedManifest,
        context: inout LoweringContext, manifestPath: String? = nil
    ) -> JSONObject {
        var plain = JSONObject()
        for (key, value) in values {
            let location = manifest.location("\(manifestPath ?? "spec." + path).\(key)")
            if let source = CommonFields.secretSource(value) {
                resource.secrets["\(path).\(key)"] = source
            } else if isSecretKey(key) {
                context.error(
                    "plaintext secret: '\(key)' must come from the environment or a file ({ env: NAME } or "
                        + "{ file: path }), never from git", at: location)
            } else {
                plain[key] = value
            }
        }
        return plain
    }

    /// The provider with its connections and their access policies; secrets become environment references.
    static func export(_ resource: Resource, into context: inout ExportContext) -> JSONObject {
        let provider = resource.id.name
        var spec = ExportContext.fields(resource.properties, of: schema, kind: .authorizationProvider)
        spec["oauth2"] = nil
        var grants = JSONObject()
        for (grant, values) in resource.properties["oauth2"]?["grantTypes"]?.objectValue ?? JSONObject() {
            guard let values = values.objectValue else { continue }
            grants[grant] = .object(exportSecrets(values, owner: "\(provider)-\(grant)", into: &context))
        }
        if !grants.isEmpty { spec["oauth2"] = ["grantTypes": .object(grants)] }
        var authorizations = JSONObject()
        for connection in context.children(of: resource.id, .authorization) {
            var value = ExportContext.fields(
                connection.properties, of: objectSchema(authorization), kind: .authorization)
            if let parameters = connection.properties["parameters"]?.objectValue {
                value["parameters"] = .object(
                    exportSecrets(parameters, owner: "\(provider)-\(connection.id.name)", into: &context))
            }
            var policies = JSONObject()
            for policy in context.children(of: connection.id, .authorizationAccessPolicy) {
                policies[policy.id.name] = .object(
                    ExportContext.fields(
                        policy.properties, of: objectSchema(accessPolicy), kind: .authorizationAccessPolicy))
            }
            if !policies.isEmpty { value["accessPolicies"] = .object(policies) }
            authorizations[connection.id.name] = .object(value)
        }
        if !authorizations.isEmpty { spec["authorizations"] = .object(authorizations) }
        return spec
    }

    static func objectSchema(_ type: FieldType) -> ObjectSchema {
        if case .object(let schema) = type { return schema }
        return ObjectSchema([])
    }

    /// Secret-looking values as environment references (APIM does not return them anyway), with a note each.
    static func exportSecrets(_ values: JSONObject, owner: String, into context: inout ExportContext) -> JSONObject {
        var result = JSONObject()
        for (key, value) in values {
            if isSecretKey(key) {
                let variable = ManifestExporter.environmentVariable(for: "\(owner)-\(key)")
                result[key] = ["env": .string(variable)]
                context.note("authorization provider secret '\(owner) \(key)': set \(variable) where apimsync runs")
            } else if value != .null {
                result[key] = value
            }
        }
        return result
    }

    /// Connections and access policies are written under `spec.authorizations`.
    static func manifestPath(forProperty property: String, of id: ResourceID, in manifest: DecodedManifest) -> String? {
        guard id.names.first == manifest.name else { return nil }
        func under(_ base: String) -> String { property.isEmpty ? base : base + "." + property }
        switch id.names.count {
        case 1: return under("spec")
        case 2: return under("spec.authorizations.\(id.names[1])")
        default: return under("spec.authorizations.\(id.names[1]).accessPolicies.\(id.names[2])")
        }
    }
}
