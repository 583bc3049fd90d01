import Model

/// Which ARM properties apimsync manages per kind, and APIM's defaults for the ones a manifest may leave out.
///
/// Properties outside the managed set (read-only, server-populated, or not expressible in manifests) never show
/// up in a plan. A managed property a manifest leaves out is compared with APIM's default: apply sends a full
/// PUT, so a portal edit of such a field is drift that apply would revert.
enum PropertyRules {
    static func managedKeys(_ kind: ResourceKind) -> [String] {
        switch kind {
        case .namedValue: ["displayName", "value", "secret", "tags", "keyVault"]
        case .backend:
            [
                "type", "url", "protocol", "title", "description", "resourceId", "credentials", "circuitBreaker", "tls",
                "proxy", "pool",
            ]
        case .policyFragment: ["description", "value"]
        case .logger: ["loggerType", "description", "resourceId", "credentials", "isBuffered"]
        case .diagnostic, .apiDiagnostic:
            [
                "loggerId", "alwaysLog", "sampling", "frontend", "backend", "logClientIp", "httpCorrelationProtocol",
                "verbosity", "operationNameFormat", "metrics",
            ]
        case .apiVersionSet:
            ["displayName", "versioningScheme", "description", "versionQueryName", "versionHeaderName"]
        case .api:
            [
                "displayName", "path", "description", "protocols", "subscriptionRequired",
                "subscriptionKeyParameterNames",
                "serviceUrl", "type", "apiVersion", "apiVersionSetId", "apiRevision",
            ]
        case .product:
            [
                "displayName", "description", "terms", "subscriptionRequired", "approvalRequired", "subscriptionsLimit",
                "state",
            ]
        case .subscription: ["displayName", "scope", "state", "allowTracing", "ownerId"]
        case .tag: ["displayName"]
        case .group: ["displayName", "description", "type", "externalId"]
        case .servicePolicy, .apiPolicy, .apiOperationPolicy, .productPolicy: ["value"]
        case .apiOperation: ["displayName", "method", "urlTemplate"]
        case .apiTag, .productApi, .productGroup: []
        }
    }

    /// Managed keys a manifest may leave out without meaning "APIM's default": an API without `revision` keeps
    /// whatever revision is current.
    static func comparedOnlyWhenSet(_ kind: ResourceKind) -> Set<String> {
        kind == .api ? ["apiRevision"] : []
    }

    static func defaults(_ kind: ResourceKind) -> [String: JSONValue] {
        switch kind {
        case .namedValue: ["secret": false, "tags": []]
        case .backend:
            ["type": "Single", "tls": ["validateCertificateChain": true, "validateCertificateName": true]]
        case .logger: ["isBuffered": true]
        case .diagnostic, .apiDiagnostic:
            [
                "httpCorrelationProtocol": "Legacy", "verbosity": "information", "operationNameFormat": "Name",
                "logClientIp": false,
            ]
        case .api:
            [
                "subscriptionRequired": true, "type": "http", "protocols": ["https"],
                "subscriptionKeyParameterNames": ["header": "Ocp-Apim-Subscription-Key", "query": "subscription-key"],
            ]
        case .product: ["subscriptionRequired": true, "approvalRequired": false, "state": "notPublished"]
        case .subscription: ["state": "submitted", "allowTracing": false]
        case .group: ["type": "custom"]
        default: [:]
        }
    }

    /// Whether a value says nothing: null, empty, false or zero, or containers of only such values.
    static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: true
        case .string(let text)?: text.isEmpty
        case .bool(let flag)?: !flag
        case .number(let number)?: number == 0
        case .array(let items)?: items.isEmpty
        case .object(let object)?: object.allSatisfy { isEmpty($0.value) }
        }
    }
}
