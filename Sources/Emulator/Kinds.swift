import Model

/// The entity kinds the emulator serves, by collection path pattern (`apis/operations`, …).
struct Kind: Sendable {
    /// Collection names joined by `/`, e.g. `apis/operations/policies`.
    let pattern: String
    /// ARM `type`, e.g. `Microsoft.ApiManagement/service/apis`.
    let type: String
    /// Entity name used in messages ("Api not found.").
    let label: String
    /// PUT (and for APIs, DELETE) is a long-running operation in the spec.
    var lro = false
    /// A policy document resource (`value` + `format`, id `policy`).
    var policy = false
    /// An association without its own body (`products/{p}/apis/{a}`): renders the target entity.
    var associationTarget: String? = nil
    /// A `*Links` resource: `properties.<property>` holds the full id of an entity of kind `target`.
    var linkProperty: String? = nil
    var linkTarget: String? = nil
    /// HEAD of the association answers 204/404 (product-api, product-group).
    var headIs204 = false
    /// Whether PUT/PATCH/HEAD/GET responses carry an ETag.
    var etagOnPut = true

    static let all: [Kind] = [
        Kind(pattern: "policies", type: "Microsoft.ApiManagement/service/policies", label: "Policy", policy: true),
        Kind(pattern: "apis", type: "Microsoft.ApiManagement/service/apis", label: "Api", lro: true),
        Kind(pattern: "apis/operations", type: "Microsoft.ApiManagement/service/apis/operations", label: "Operation"),
        Kind(
            pattern: "apis/policies", type: "Microsoft.ApiManagement/service/apis/policies", label: "Policy",
            policy: true),
        Kind(
            pattern: "apis/operations/policies", type: "Microsoft.ApiManagement/service/apis/operations/policies",
            label: "Policy", policy: true),
        Kind(
            pattern: "apis/diagnostics", type: "Microsoft.ApiManagement/service/apis/diagnostics", label: "Diagnostic"),
        Kind(pattern: "apis/schemas", type: "Microsoft.ApiManagement/service/apis/schemas", label: "Schema", lro: true),
        Kind(pattern: "apis/releases", type: "Microsoft.ApiManagement/service/apis/releases", label: "Release"),
        Kind(
            pattern: "apis/tags", type: "Microsoft.ApiManagement/service/tags", label: "Tag", associationTarget: "tags"),
        Kind(
            pattern: "apis/operations/tags", type: "Microsoft.ApiManagement/service/tags", label: "Tag",
            associationTarget: "tags", etagOnPut: false),
        Kind(
            pattern: "apis/tagDescriptions", type: "Microsoft.ApiManagement/service/apis/tagDescriptions",
            label: "TagDescription"),
        Kind(pattern: "backends", type: "Microsoft.ApiManagement/service/backends", label: "Backend"),
        Kind(
            pattern: "namedValues", type: "Microsoft.ApiManagement/service/namedValues", label: "NamedValue", lro: true),
        Kind(
            pattern: "policyFragments", type: "Microsoft.ApiManagement/service/policyFragments",
            label: "PolicyFragment", lro: true),
        Kind(pattern: "loggers", type: "Microsoft.ApiManagement/service/loggers", label: "Logger"),
        Kind(pattern: "diagnostics", type: "Microsoft.ApiManagement/service/diagnostics", label: "Diagnostic"),
        Kind(pattern: "apiVersionSets", type: "Microsoft.ApiManagement/service/apiVersionSets", label: "ApiVersionSet"),
        Kind(pattern: "products", type: "Microsoft.ApiManagement/service/products", label: "Product"),
        Kind(
            pattern: "products/apis", type: "Microsoft.ApiManagement/service/apis", label: "Api",
            associationTarget: "apis", headIs204: true, etagOnPut: false),
        Kind(
            pattern: "products/groups", type: "Microsoft.ApiManagement/service/groups", label: "Group",
            associationTarget: "groups", headIs204: true, etagOnPut: false),
        Kind(
            pattern: "products/policies", type: "Microsoft.ApiManagement/service/products/policies", label: "Policy",
            policy: true),
        Kind(
            pattern: "products/tags", type: "Microsoft.ApiManagement/service/tags", label: "Tag",
            associationTarget: "tags", etagOnPut: false),
        Kind(
            pattern: "products/apiLinks", type: "Microsoft.ApiManagement/service/products/apiLinks", label: "ApiLink",
            linkProperty: "apiId", linkTarget: "apis", etagOnPut: false),
        Kind(
            pattern: "products/groupLinks", type: "Microsoft.ApiManagement/service/products/groupLinks",
            label: "GroupLink", linkProperty: "groupId", linkTarget: "groups", etagOnPut: false),
        Kind(pattern: "groups", type: "Microsoft.ApiManagement/service/groups", label: "Group"),
        Kind(pattern: "subscriptions", type: "Microsoft.ApiManagement/service/subscriptions", label: "Subscription"),
        Kind(pattern: "tags", type: "Microsoft.ApiManagement/service/tags", label: "Tag"),
        Kind(
            pattern: "tags/apiLinks", type: "Microsoft.ApiManagement/service/tags/apiLinks", label: "ApiLink",
            linkProperty: "apiId", linkTarget: "apis", etagOnPut: false),
        Kind(
            pattern: "tags/operationLinks", type: "Microsoft.ApiManagement/service/tags/operationLinks",
            label: "OperationLink", linkProperty: "operationId", linkTarget: "apis/operations", etagOnPut: false),
        Kind(
            pattern: "tags/productLinks", type: "Microsoft.ApiManagement/service/tags/productLinks",
            label: "ProductLink", linkProperty: "productId", linkTarget: "products", etagOnPut: false),
    ]

    static let byPattern: [String: Kind] = Dictionary(uniqueKeysWithValues: all.map { ($0.pattern, $0) })

    /// Collection names in their canonical spelling, by lower-cased spelling (ARM paths are case-insensitive).
    static let collections: [String: String] = {
        var names: [String: String] = [:]
        for kind in all {
            for part in kind.pattern.split(separator: "/") { names[part.lowercased()] = String(part) }
        }
        for extra in ["revisions", "allPolicies", "tenant", "operationResults", "users", "products", "subscriptions"] {
            names[extra.lowercased()] = extra
        }
        return names
    }()

    /// The properties each kind's contract defines in the 2024-05-01 swagger (`*ContractProperties` with their
    /// `allOf` bases), plus the create-only import fields of APIs. APIM ignores anything else in a request
    /// body, so the emulator drops it too instead of echoing it back. Read-only fields are dropped as well.
    static let knownProperties: [String: Set<String>] = [
        "apis": [
            "description", "authenticationSettings", "subscriptionKeyParameterNames", "type", "apiRevision",
            "apiVersion", "isCurrent", "apiRevisionDescription", "apiVersionDescription", "apiVersionSetId",
            "subscriptionRequired", "termsOfServiceUrl", "contact", "license", "sourceApiId", "displayName",
            "serviceUrl", "path", "protocols", "apiVersionSet", "format", "value", "wsdlSelector", "apiType",
            "translateRequiredQueryParameters",
        ],
        "apis/operations": [
            "templateParameters", "description", "request", "responses", "policies", "displayName", "method",
            "urlTemplate",
        ],
        "apis/diagnostics": [
            "alwaysLog", "loggerId", "sampling", "frontend", "backend", "logClientIp", "httpCorrelationProtocol",
            "verbosity", "operationNameFormat", "metrics",
        ],
        "diagnostics": [
            "alwaysLog", "loggerId", "sampling", "frontend", "backend", "logClientIp", "httpCorrelationProtocol",
            "verbosity", "operationNameFormat", "metrics",
        ],
        "apis/schemas": ["contentType", "document"],
        "apis/releases": ["apiId", "notes"],
        "backends": [
            "title", "description", "resourceId", "properties", "credentials", "proxy", "tls", "circuitBreaker", "pool",
            "type", "url", "protocol",
        ],
        "namedValues": ["tags", "secret", "displayName", "value", "keyVault"],
        "policyFragments": ["value", "description", "format"],
        "loggers": ["loggerType", "description", "credentials", "isBuffered", "resourceId"],
        "apiVersionSets": ["description", "versionQueryName", "versionHeaderName", "displayName", "versioningScheme"],
        "products": [
            "description", "terms", "subscriptionRequired", "approvalRequired", "subscriptionsLimit", "state",
            "displayName",
        ],
        "groups": ["displayName", "description", "type", "externalId"],
        "subscriptions": [
            "ownerId", "scope", "displayName", "state", "startDate", "expirationDate", "endDate", "notificationDate",
            "primaryKey", "secondaryKey", "stateComment", "allowTracing",
        ],
        "tags": ["displayName"],
        "apis/tagDescriptions": ["description", "externalDocsUrl", "externalDocsDescription"],
    ]

    /// `properties` without the members the kind's contract does not define (or only reports).
    func knownOnly(_ properties: JSONObject) -> JSONObject {
        if policy {
            return JSONObject(properties.filter { ["value", "format"].contains($0.key) }.map { ($0.key, $0.value) })
        }
        if let property = linkProperty {
            return JSONObject(properties.filter { $0.key == property }.map { ($0.key, $0.value) })
        }
        guard let known = Self.knownProperties[pattern] else { return properties }
        return JSONObject(properties.filter { known.contains($0.key) }.map { ($0.key, $0.value) })
    }

    var isAssociation: Bool { associationTarget != nil }
    var isLink: Bool { linkProperty != nil }
    /// Associations and links ignore If-Match.
    var usesIfMatch: Bool { !isAssociation && !isLink }
}

/// A parsed ARM entity path below the service.
struct Route: Sendable {
    var collections: [String]
    var names: [String]
    var action: String?

    var isCollection: Bool { collections.count > names.count }
    var pattern: String { collections.joined(separator: "/") }

    /// Splits `segments` (already percent-decoded) into collections, names and an optional POST action.
    static func parse(_ segments: [String], method: String) -> Route? {
        var parts = segments
        var action: String?
        if method == "POST", parts.count >= 3, parts.count % 2 == 1 {
            action = parts.removeLast()
        }
        var collections: [String] = []
        var names: [String] = []
        for (offset, part) in parts.enumerated() {
            if offset % 2 == 0 {
                guard let canonical = Kind.collections[part.lowercased()] else { return nil }
                collections.append(canonical)
            } else {
                guard !part.isEmpty else { return nil }
                names.append(part)
            }
        }
        guard !collections.isEmpty else { return nil }
        return Route(collections: collections, names: names, action: action)
    }
}
