/// Every kind of APIM entity apimsync knows, with the ARM path it lives at inside one service.
///
/// Kinds that users write as manifests (`Api`, `Backend`, …) and the child entities they expand into
/// (`ApiPolicy`, `ProductApi`, …) share one list, so the planner and the client treat them alike.
public enum ResourceKind: String, CaseIterable, Sendable, Comparable {
    case servicePolicy = "ServicePolicy"
    case namedValue = "NamedValue"
    case policyFragment = "PolicyFragment"
    case tag = "Tag"
    case group = "Group"
    case logger = "Logger"
    case diagnostic = "Diagnostic"
    case backend = "Backend"
    case apiVersionSet = "ApiVersionSet"
    case api = "Api"
    case apiOperation = "ApiOperation"
    case apiPolicy = "ApiPolicy"
    case apiOperationPolicy = "ApiOperationPolicy"
    case apiDiagnostic = "ApiDiagnostic"
    case apiTag = "ApiTag"
    case product = "Product"
    case productApi = "ProductApi"
    case productGroup = "ProductGroup"
    case productPolicy = "ProductPolicy"
    case subscription = "Subscription"

    /// ARM path templates relative to `…/service/{serviceName}/`; `{}` stands for one name segment.
    public var pathTemplate: String {
        switch self {
        case .servicePolicy: "policies/policy"
        case .namedValue: "namedValues/{}"
        case .policyFragment: "policyFragments/{}"
        case .tag: "tags/{}"
        case .group: "groups/{}"
        case .logger: "loggers/{}"
        case .diagnostic: "diagnostics/{}"
        case .backend: "backends/{}"
        case .apiVersionSet: "apiVersionSets/{}"
        case .api: "apis/{}"
        case .apiOperation: "apis/{}/operations/{}"
        case .apiPolicy: "apis/{}/policies/policy"
        case .apiOperationPolicy: "apis/{}/operations/{}/policies/policy"
        case .apiDiagnostic: "apis/{}/diagnostics/{}"
        case .apiTag: "apis/{}/tags/{}"
        case .product: "products/{}"
        case .productApi: "products/{}/apis/{}"
        case .productGroup: "products/{}/groups/{}"
        case .productPolicy: "products/{}/policies/policy"
        case .subscription: "subscriptions/{}"
        }
    }

    /// How many name segments an id of this kind has (0 for the service policy).
    public var nameCount: Int { pathTemplate.split(separator: "/").filter { $0 == "{}" }.count }

    /// The ARM resource type, as APIM reports it in `type`.
    public var armType: String {
        let segments = pathTemplate.split(separator: "/").filter { $0 != "{}" && $0 != "policy" }
        return "Microsoft.ApiManagement/service/" + segments.joined(separator: "/")
    }

    /// Whether this kind is a policy document (stored with `format` and `value`).
    public var isPolicy: Bool {
        switch self {
        case .servicePolicy, .apiPolicy, .apiOperationPolicy, .productPolicy: true
        default: false
        }
    }

    /// The top-level kind whose entity owns entities of this kind: deleting an API deletes its operations,
    /// policies, diagnostics and tag links; deleting a product its links and policy. `nil` for top-level kinds.
    public var owningKind: ResourceKind? {
        switch self {
        case .apiOperation, .apiPolicy, .apiOperationPolicy, .apiDiagnostic, .apiTag: .api
        case .productApi, .productGroup, .productPolicy: .product
        default: nil
        }
    }

    /// Whether this kind is an association without properties of its own (PUT with no body, no ETag).
    public var isLink: Bool {
        switch self {
        case .apiTag, .productApi, .productGroup: true
        default: false
        }
    }

    /// The order kinds are listed in: declaration order, which follows dependencies.
    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
