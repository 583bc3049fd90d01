extension ResourceKind {
    /// An OAuth 2.0 authorization provider (credential manager), e.g. for MCP servers that call GitHub.
    public static let authorizationProvider = ResourceKind(declaring: "AuthorizationProvider")
    /// A connection (authorization) of a provider.
    public static let authorization = ResourceKind(declaring: "Authorization")
    /// Who may use a connection: an access policy.
    public static let authorizationAccessPolicy = ResourceKind(declaring: "AuthorizationAccessPolicy")
}

extension KindDescriptor {
    static let authorizationProvider = KindDescriptor(
        .authorizationProvider, path: "authorizationProviders/{}",
        managedFields: ["displayName", "identityProvider", "oauth2"],
        specDefinition: "AuthorizationProviderContract",
        exportFile: "authorization-providers")

    static let authorization = KindDescriptor(
        .authorization, path: "authorizationProviders/{}/authorizations/{}",
        managedFields: ["authorizationType", "oauth2grantType", "parameters"],
        specDefinition: "AuthorizationContract")

    static let authorizationAccessPolicy = KindDescriptor(
        .authorizationAccessPolicy, path: "authorizationProviders/{}/authorizations/{}/accessPolicies/{}",
        managedFields: ["tenantId", "objectId", "appIds"],
        specDefinition: "AuthorizationAccessPolicyContract")
}
