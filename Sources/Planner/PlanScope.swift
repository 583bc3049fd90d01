import Model

/// What a plan may touch and what it knows about the live read.
public struct PlanScope: Sendable, Hashable {
    public var prune: PruneSettings
    /// Lets a run delete more than `prune.maxDeletes`.
    public var allowMassDelete: Bool
    /// Kinds whose live listing failed or was not read: nothing of these kinds is pruned.
    public var incompleteKinds: Set<ResourceKind>
    /// Entries of `spec.resources` (and the environment's `resources`) that exist but yielded no manifest: a plan
    /// that would delete anything then stops (see ``PruneGuards``).
    public var emptyResourceFolders: [String]

    public init(
        prune: PruneSettings = PruneSettings(), allowMassDelete: Bool = false, incompleteKinds: Set<ResourceKind> = [],
        emptyResourceFolders: [String] = []
    ) {
        self.prune = prune
        self.allowMassDelete = allowMassDelete
        self.incompleteKinds = incompleteKinds
        self.emptyResourceFolders = emptyResourceFolders
    }
}

/// SHA-256 hex digests of secret named values, so secrets are compared without ever entering a plan.
public struct SecretDigests: Sendable, Hashable {
    /// Digests of the values apply would send (read from the environment or files).
    public var desired: [ResourceID: String]
    /// Digests of the live values (from `listValue`), when secrets were checked.
    public var live: [ResourceID: String]
    /// Whether live secrets were read at all (`--check-secrets`).
    public var checked: Bool

    public init(desired: [ResourceID: String] = [:], live: [ResourceID: String] = [:], checked: Bool = false) {
        self.desired = desired
        self.live = live
        self.checked = checked
    }
}

extension PruneSettings {
    /// Whether prune may delete `id` (and so must read it): prune is on, `owns` covers it and `protect` does not.
    public func owns(_ id: ResourceID) -> Bool {
        enabled && owns.contains { GlobPattern(pattern: $0).matches(id.armPath) }
            && !protect.contains { GlobPattern(pattern: $0).matches(id.armPath) }
    }
}
