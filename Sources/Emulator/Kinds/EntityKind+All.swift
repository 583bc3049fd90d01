/// Every kind the emulator serves. A new kind is one line here (and a rules type in `Rules/` only if it behaves in a
/// way the spec cannot say).
extension EntityKind {
    static let policies = EntityKind("policies", label: "Policy")
    static let apis = EntityKind("apis", label: "Api")
    static let operations = EntityKind("apis/operations", label: "Operation")
    static let apiPolicies = EntityKind("apis/policies", label: "Policy")
    static let operationPolicies = EntityKind("apis/operations/policies", label: "Policy")
    static let apiDiagnostics = EntityKind("apis/diagnostics", label: "Diagnostic")
    static let schemas = EntityKind("apis/schemas", label: "Schema")
    static let releases = EntityKind("apis/releases", label: "Release")
    static let apiTags = EntityKind("apis/tags", label: "Tag")
    static let operationTags = EntityKind("apis/operations/tags", label: "Tag")
    static let tagDescriptions = EntityKind("apis/tagDescriptions", label: "TagDescription")
    static let revisions = EntityKind("apis/revisions", label: "ApiRevision", view: true)
    static let apiProducts = EntityKind("apis/products", label: "Product", view: true)
    static let backends = EntityKind("backends", label: "Backend")
    static let namedValues = EntityKind("namedValues", label: "NamedValue")
    static let policyFragments = EntityKind("policyFragments", label: "PolicyFragment")
    static let loggers = EntityKind("loggers", label: "Logger")
    static let diagnostics = EntityKind("diagnostics", label: "Diagnostic")
    static let apiVersionSets = EntityKind("apiVersionSets", label: "ApiVersionSet")
    static let products = EntityKind("products", label: "Product")
    static let productApis = EntityKind("products/apis", label: "Api")
    static let productGroups = EntityKind("products/groups", label: "Group")
    static let productPolicies = EntityKind("products/policies", label: "Policy")
    static let productTags = EntityKind("products/tags", label: "Tag")
    static let productApiLinks = EntityKind("products/apiLinks", label: "ApiLink", linksTo: .apis)
    static let productGroupLinks = EntityKind("products/groupLinks", label: "GroupLink", linksTo: .groups)
    static let productSubscriptions = EntityKind("products/subscriptions", label: "Subscription", view: true)
    static let groups = EntityKind("groups", label: "Group")
    static let subscriptions = EntityKind("subscriptions", label: "Subscription")
    static let tags = EntityKind("tags", label: "Tag")
    static let tagApiLinks = EntityKind("tags/apiLinks", label: "ApiLink", linksTo: .apis)
    static let tagOperationLinks = EntityKind("tags/operationLinks", label: "OperationLink", linksTo: .operations)
    static let tagProductLinks = EntityKind("tags/productLinks", label: "ProductLink", linksTo: .products)
    static let allPolicies = EntityKind("allPolicies", label: "Policy", view: true)
    static let caches = EntityKind("caches", label: "Cache")
    static let users = EntityKind("users", label: "User")
    static let groupUsers = EntityKind("groups/users", label: "User")
    static let userGroups = EntityKind("users/groups", label: "Group", view: true)
    static let userSubscriptions = EntityKind("users/subscriptions", label: "Subscription", view: true)
    static let certificates = EntityKind("certificates", label: "Certificate")
    static let authorizationProviders = EntityKind("authorizationProviders", label: "AuthorizationProvider")
    static let authorizations = EntityKind("authorizationProviders/authorizations", label: "Authorization")
    static let accessPolicies = EntityKind(
        "authorizationProviders/authorizations/accessPolicies", label: "AuthorizationAccessPolicy")
    static let tools = EntityKind("apis/tools", label: "Tool")

    /// The kinds, in the order their lists and exports show them.
    static let all: [EntityKind] = [
        policies, apis, operations, apiPolicies, operationPolicies, apiDiagnostics, schemas, releases, apiTags,
        operationTags, tagDescriptions, revisions, apiProducts, backends, namedValues, policyFragments, loggers,
        diagnostics, apiVersionSets, products, productApis, productGroups, productPolicies, productTags,
        productApiLinks, productGroupLinks, productSubscriptions, groups, subscriptions, tags, tagApiLinks,
        tagOperationLinks, tagProductLinks, allPolicies, caches, users, groupUsers, userGroups, userSubscriptions,
        certificates, authorizationProviders, authorizations, accessPolicies, tools,
    ]

    /// Kinds by pattern (`apis/operations`), for routes and the state file.
    static let byPattern: [String: EntityKind] = Dictionary(uniqueKeysWithValues: all.map { ($0.pattern, $0) })

    /// Collection names in their canonical spelling, by lower-cased spelling (ARM paths are case-insensitive).
    static let collectionNames: [String: String] = {
        var names: [String: String] = [:]
        for kind in all {
            for part in kind.collections { names[part.lowercased()] = part }
        }
        for extra in ["tenant", "operationResults"] { names[extra.lowercased()] = extra }
        return names
    }()

    /// For an association, the top-level kind it links (`products/apis` → `apis`).
    var associationTarget: EntityKind? {
        guard isAssociation, let last = collections.last else { return nil }
        return Self.byPattern[last]
    }
}
