extension ResourceKind {
    /// An API (its current revision).
    public static let api = ResourceKind(declaring: "Api")
    /// An operation of an API, created by importing its specification.
    public static let apiOperation = ResourceKind(declaring: "ApiOperation")
    /// The policy of an API.
    public static let apiPolicy = ResourceKind(declaring: "ApiPolicy")
    /// The policy of one operation of an API.
    public static let apiOperationPolicy = ResourceKind(declaring: "ApiOperationPolicy")
    /// A diagnostic of an API.
    public static let apiDiagnostic = ResourceKind(declaring: "ApiDiagnostic")
    /// A tag assigned to an API.
    public static let apiTag = ResourceKind(declaring: "ApiTag")
    /// An MCP tool of an API: one of its operations, exposed to MCP clients.
    public static let apiTool = ResourceKind(declaring: "ApiTool")
}

extension KindDescriptor {
    static let api = KindDescriptor(
        .api, path: "apis/{}",
        managedFields: [
            "displayName", "path", "description", "protocols", "subscriptionRequired", "subscriptionKeyParameterNames",
            "serviceUrl", "type", "apiVersion", "apiVersionSetId", "apiRevision", "mcpTools", "backendId",
            "mcpProperties",
        ],
        defaults: [
            "subscriptionRequired": true, "type": "http", "protocols": ["https"],
            "subscriptionKeyParameterNames": ["header": "Ocp-Apim-Subscription-Key", "query": "subscription-key"],
        ],
        comparedOnlyWhenSet: ["apiRevision"],
        filledByImport: ["serviceUrl", "description"],
        references: [
            PropertyReference("apiVersionSetId", to: .apiVersionSet),
            PropertyReference("mcpTools[].operationId", to: .apiOperation),
        ],
        builtInNames: [["echo-api"]],
        specDefinition: "ApiCreateOrUpdateParameter",
        writeLock: .perEntity,
        exportFile: "apis/{}")

    static let apiOperation = KindDescriptor(
        .apiOperation, path: "apis/{}/operations/{}", derived: true,
        managedFields: ["displayName", "method", "urlTemplate"], specDefinition: "OperationContract")

    static let apiPolicy = KindDescriptor(.apiPolicy, path: "apis/{}/policies/policy", shape: .policy)

    static let apiOperationPolicy = KindDescriptor(
        .apiOperationPolicy, path: "apis/{}/operations/{}/policies/policy", shape: .policy)

    static let apiDiagnostic = KindDescriptor(
        .apiDiagnostic, path: "apis/{}/diagnostics/{}",
        managedFields: diagnosticFields,
        defaults: diagnosticDefaults,
        references: [PropertyReference("loggerId", to: .logger)],
        specDefinition: "DiagnosticContract")

    static let apiTag = KindDescriptor(
        .apiTag, path: "apis/{}/tags/{}", shape: .association, nameReferences: [NameReference(index: 1, to: .tag)])

    static let apiTool = KindDescriptor(
        .apiTool, path: "apis/{}/tools/{}",
        managedFields: ["displayName", "description", "operationId"],
        references: [PropertyReference("operationId", to: .apiOperation)],
        specDefinition: "ToolContract")
}
