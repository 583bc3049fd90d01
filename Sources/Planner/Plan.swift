import Model

/// What a run would change in APIM: one entry per resource, in the order the changes can be applied.
public struct Plan: Sendable, Hashable {
    /// The version of the JSON form of a plan; a saved plan of another version is refused.
    public static let formatVersion = 1

    /// Changes that write, in dependency order (creates and updates first, dependencies before dependants; then
    /// deletes, dependants before dependencies).
    public var changes: [ResourceChange]
    /// Resources that need no change.
    public var unchanged: [ResourceID]
    /// Live resources no manifest describes and prune may not delete (outside `owns`, or prune off).
    public var unmanaged: [ResourceID]
    /// Resources annotated `skip` whose live state differs (reported, never written).
    public var skipped: [ResourceChange]
    /// Problems that stop the plan from being applied (a ``PruneGuards`` guard, a dependency cycle, a missing secret).
    public var blockers: [String]
    /// Notes for the reader (a kind that could not be read, secrets not compared).
    public var notes: [String]
    /// The service the plan was made against; every rendering names it.
    public var target: PlanTarget?

    public init(
        changes: [ResourceChange] = [], unchanged: [ResourceID] = [], unmanaged: [ResourceID] = [],
        skipped: [ResourceChange] = [], blockers: [String] = [], notes: [String] = []
    ) {
        self.changes = changes
        self.unchanged = unchanged
        self.unmanaged = unmanaged
        self.skipped = skipped
        self.blockers = blockers
        self.notes = notes
    }

    /// Whether applying the plan would write anything.
    public var hasChanges: Bool { !changes.isEmpty }

    /// How many changes of an action the plan holds.
    public func count(_ action: ResourceChange.Action) -> Int { changes.filter { $0.action == action }.count }
}

/// The change to one resource.
public struct ResourceChange: Sendable, Hashable, Identifiable {
    public enum Action: String, Sendable, Hashable {
        case create, update, delete
    }

    public var id: ResourceID
    public var action: Action
    /// Field-level differences, for updates (`circuitBreaker.rules[0].tripDuration: PT1M → PT2M`).
    public var fields: [FieldChange]
    /// The ARM properties to send, for creates and updates (secret values are never here).
    public var properties: JSONValue?
    /// The ETag of the live resource when the plan was made, sent as `If-Match` when the plan is applied.
    public var liveETag: String?
    /// The resources this change waits for.
    public var dependencies: Set<ResourceID>
    /// Where the resource is declared, and which macro generated it.
    public var origin: SourceLocation?
    public var generatedBy: String?
    /// A re-import of the API's specification is part of this change.
    public var reimport: Bool

    public init(
        id: ResourceID, action: Action, fields: [FieldChange] = [], properties: JSONValue? = nil,
        liveETag: String? = nil, dependencies: Set<ResourceID> = [], origin: SourceLocation? = nil,
        generatedBy: String? = nil, reimport: Bool = false
    ) {
        self.id = id
        self.action = action
        self.fields = fields
        self.properties = properties
        self.liveETag = liveETag
        self.dependencies = dependencies
        self.origin = origin
        self.generatedBy = generatedBy
        self.reimport = reimport
    }
}

/// One changed field: a path inside the resource's properties (or a policy element), before and after.
public struct FieldChange: Sendable, Hashable {
    public var path: String
    /// `nil` when the field is added.
    public var before: String?
    /// `nil` when the field is removed.
    public var after: String?

    public init(path: String, before: String?, after: String?) {
        self.path = path
        self.before = before
        self.after = after
    }
}
