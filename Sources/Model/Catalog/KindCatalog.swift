/// The registry of every APIM kind apimsync manages: one ``KindDescriptor`` per kind, in dependency order.
///
/// Adding a kind: declare it and its descriptor in a file under `Catalog/Kinds/`, add the descriptor here,
/// add its manifest kind (Manifests), its emulator rules (Emulator), and tests.
public enum KindCatalog {
    /// Every descriptor. The order is the order kinds are listed and planned in: what others refer to first.
    public static let all: [KindDescriptor] = [
        .servicePolicy, .namedValue, .policyFragment, .tag, .group, .user, .groupUser, .logger, .diagnostic, .cache,
        .certificate, .backend, .authorizationProvider, .authorization, .authorizationAccessPolicy, .apiVersionSet,
        .api, .apiOperation, .apiPolicy, .apiOperationPolicy, .apiDiagnostic, .apiTag, .apiTool, .product,
        .productApi, .productGroup, .productPolicy, .subscription,
    ]

    /// Every kind, in catalogue order.
    public static let kinds: [ResourceKind] = all.map(\.kind)

    static let descriptorsByName: [String: KindDescriptor] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.kind.rawValue, $0) })

    static let order: [String: Int] = Dictionary(
        uniqueKeysWithValues: all.enumerated().map { ($0.element.kind.rawValue, $0.offset) })

    /// Each kind's parent: the kind whose path template is the kind's own without its last segment pair
    /// (`apis/{}/operations/{}/policies/policy` → `apis/{}/operations/{}`).
    static let parents: [String: ResourceKind?] = {
        var byTemplate: [String: ResourceKind] = [:]
        for descriptor in all { byTemplate[descriptor.pathTemplate] = descriptor.kind }
        var result: [String: ResourceKind?] = [:]
        for descriptor in all {
            let segments = descriptor.pathTemplate.split(separator: "/")
            let parentTemplate = segments.dropLast(2).joined(separator: "/")
            result[descriptor.kind.rawValue] = parentTemplate.isEmpty ? nil : byTemplate[parentTemplate]
        }
        return result
    }()

    /// Entities every APIM service has: never created, changed, deleted or reported as unmanaged.
    public static let builtIns: Set<ResourceID> = Set(all.flatMap(\.builtIns))

    /// The top-level kinds (those without a parent), in catalogue order.
    public static var topLevelKinds: [ResourceKind] { kinds.filter { $0.descriptor.parent == nil } }

    /// The kind whose collection is `collection` at the top level (`backends` → `Backend`).
    public static func topLevelKind(collection: String) -> ResourceKind? {
        topLevelKinds.first { $0.pathTemplate == collection + "/{}" }
    }
}
