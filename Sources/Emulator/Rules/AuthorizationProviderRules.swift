import Model

/// Authorization providers (credential manager): the client secret of a grant type is never read back (spec
/// examples `ApiManagementCreateAuthorizationProviderAADAuthCode.json`, commit f236398f, and
/// `ApiManagementGetAuthorizationProvider.json`: sent on create, absent from every answer). Deleting one deletes its
/// authorizations and their access policies.
struct AuthorizationProviderRules: EntityRules {
    var kinds: [EntityKind] { [.authorizationProviders] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        var hidden = write.existing?.hidden ?? JSONObject()
        if var oauth2 = props["oauth2"]?.objectValue, var grants = oauth2["grantTypes"]?.objectValue {
            for (grant, value) in grants {
                guard var parameters = value.objectValue else { continue }
                if let secret = parameters["clientSecret"] {
                    hidden["\(grant).clientSecret"] = secret
                    parameters["clientSecret"] = nil
                }
                grants[grant] = .object(parameters)
            }
            oauth2["grantTypes"] = .object(grants)
            props["oauth2"] = .object(oauth2)
        }
        return Prepared(props, hidden: hidden)
    }
}

/// Authorizations of a provider: `parameters.clientSecret` is never read back, a client-credentials authorization
/// is `Connected`, and an authorization-code one is in `Error` "Unauthenticated" until someone consents (spec
/// examples `ApiManagementCreateAuthorizationAADClientCred.json` and `ApiManagementCreateAuthorizationAADAuthCode.json`).
struct AuthorizationRules: EntityRules {
    var kinds: [EntityKind] { [.authorizations] }

    func prepare(_ write: WriteContext, in store: isolated EmulatorStore) throws(ARMError) -> Prepared {
        var props = write.properties
        var hidden = write.existing?.hidden ?? JSONObject()
        if var parameters = props["parameters"]?.objectValue, let secret = parameters["clientSecret"] {
            hidden["clientSecret"] = secret
            parameters["clientSecret"] = nil
            props["parameters"] = .object(parameters)
        }
        if props["oauth2grantType"]?.stringValue?.lowercased() == "clientcredentials" {
            props["status"] = "Connected"
            props["error"] = nil
        } else {
            props["status"] = "Error"
            props["error"] = [
                "code": "Unauthenticated", "message": "This connection is not authenticated.",
            ]
        }
        return Prepared(props, hidden: hidden)
    }
}
