import APIMSpec
import Model

/// One kind of entity the emulator serves, such as the operations of an API (`apis/operations`).
///
/// Only what APIM's spec cannot say is declared here: the entity's name in messages ("Api not found.") and, for a
/// `*Links` resource, the kind its id points at. Everything else comes from the spec's operations for the
/// collection (``SpecOperationIndex``): which methods exist, long-running writes and deletes, ETag and If-Match
/// rules, the request body definitions, association HEADs answering 204, the entity id's constraints and the first
/// api-version that has the kind. Kinds are singletons compared by identity (``all`` lists them).
final class EntityKind: Sendable, Hashable, CustomStringConvertible {
    /// Collection names joined by `/`, such as `apis/operations/policies`.
    let pattern: String
    /// The collection names of `pattern`.
    let collections: [String]
    /// The entity's name in messages ("Api not found.").
    let label: String
    /// For a `*Links` resource: the kind whose full id the link holds.
    let linkTarget: EntityKind?
    /// A read-only list computed from other entities (`apis/revisions`), with no items of its own.
    let isView: Bool
    /// The spec's item operations by method.
    let itemOperations: [String: SpecOperation]
    /// The spec's list operation.
    let listOperation: SpecOperation?
    /// The spec's POST actions by lower-cased name.
    let actionOperations: [String: SpecOperation]
    /// The first api-version that has any operation of the kind.
    let since: APIVersion
    /// ARM `type`: `Microsoft.ApiManagement/service/apis/operations`.
    let armType: String
    /// For a `*Links` resource, the member of its body that holds the target's id: the one property its body's
    /// `properties` requires (`apiId`).
    let linkProperty: String?

    init(_ pattern: String, label: String, linksTo target: EntityKind? = nil, view: Bool = false) {
        self.pattern = pattern
        self.collections = pattern.split(separator: "/").map(String.init)
        self.label = label
        self.linkTarget = target
        self.isView = view
        let entry = SpecOperationIndex.shared.entries[pattern] ?? SpecOperationIndex.Entry()
        self.itemOperations = entry.item
        self.listOperation = entry.list
        self.actionOperations = entry.actions
        let all = Array(entry.item.values) + [entry.list].compactMap { $0 } + Array(entry.actions.values)
        self.since = all.map(\.since).min() ?? .ga
        self.armType = "Microsoft.ApiManagement/service/" + collections.joined(separator: "/")
        let first = all.map(\.since).min() ?? .ga
        var linkProperty: String?
        if target != nil, let put = entry.item["PUT"] {
            linkProperty = Self.propertiesDefinition(of: put, in: first)
                .flatMap { SpecCatalog.shared.definition($0, in: first)?.required.first }
        }
        self.linkProperty = linkProperty
    }

    static func == (lhs: EntityKind, rhs: EntityKind) -> Bool { lhs === rhs }

    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    var description: String { pattern }

    // MARK: What the spec says

    /// The spec's operation for `method` on one entity (`PUT`, `PATCH`, …), if the kind has it.
    func operation(_ method: String) -> SpecOperation? { itemOperations[method] }

    /// An association (`products/{p}/apis/{a}`): PUT takes no body and links an existing entity.
    var isAssociation: Bool { itemOperations["PUT"].map { $0.bodyDefinition == nil } ?? false }

    /// A `*Links` resource: `properties.<linkProperty>` holds the full id of an entity of the target kind.
    var isLink: Bool { linkTarget != nil }

    /// A policy document resource (`value` + `format`, id `policy`): its PUT takes a `PolicyContract`.
    var holdsPolicyDocument: Bool { itemOperations["PUT"]?.bodyDefinition == "PolicyContract" }

    /// Reads take the policy `format` query (`xml` or `rawxml`), as policies and policy fragments do.
    var readsPolicyFormat: Bool { itemOperations["GET"]?.queryParameters.contains { $0.name == "format" } ?? false }

    /// HEAD answers 204 or 404 and no ETag (the spec's "CheckEntityExists" associations).
    var headAnswersNoContent: Bool { itemOperations["HEAD"]?.successStatusCodes == [204] }

    /// The definition of the `properties` member of the request body of `operation` in `version`
    /// (`BackendContract` → `BackendContractProperties`).
    static func propertiesDefinition(of operation: SpecOperation, in version: APIVersion) -> String? {
        guard let body = operation.bodyDefinition,
            let envelope = SpecCatalog.shared.definition(body, in: version),
            let properties = envelope.properties["properties"]
        else { return nil }
        return properties.type.definition
    }

    /// The definition of the `properties` a read of one entity returns in `version` (`BackendContractProperties`).
    func readPropertiesDefinition(in version: APIVersion) -> String? {
        guard let get = itemOperations["GET"], let envelope = get.responseDefinitions[200],
            let definition = SpecCatalog.shared.definition(envelope, in: version)
        else { return nil }
        return definition.properties["properties"]?.type.definition
    }

    /// The last path parameter of the PUT (the entity's own name) with its constraints.
    var nameParameter: SpecPathParameter? { itemOperations["PUT"]?.pathParameters.last }
}
