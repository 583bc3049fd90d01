import Model

/// Why a plan's deletions must not run: the shapes a mistake takes when it would empty a production service.
///
/// Each guard turns into a blocker, so a guarded plan writes nothing (no creates or updates either: a mistake that
/// deletes usually also creates in the wrong place) and says why in every rendering. `--allow-mass-delete`
/// overrides the guards a deliberate clean-up can trip (the count and a kind emptied); the guards that point at a
/// wrong repository or a wrong target are overridden only by fixing the cause or turning prune off.
public enum PruneGuards {
    /// The blockers for `deletes`, computed against the desired and (normalised) live state. Pure.
    public static func blockers(
        deletes: [ResourceChange], desired: State, live: State, scope: PlanScope
    ) -> [String] {
        guard !deletes.isEmpty else { return [] }
        var blockers: [String] = []
        let override = "nothing will be written unless --allow-mass-delete is given"
        if deletes.count > scope.prune.maxDeletes, !scope.allowMassDelete {
            blockers.append(
                "the plan deletes \(deletes.count) resources, more than prune.maxDeletes "
                    + "(\(scope.prune.maxDeletes)); \(override)")
        }
        if let folders = emptyFolders(scope) {
            blockers.append(
                "\(folders) no manifests, yet the plan deletes \(deletes.count) resource"
                    + "\(deletes.count == 1 ? "" : "s") prune owns; nothing will be written (a folder emptied or "
                    + "moved by mistake?): restore its manifests, remove it from spec.resources, or disable prune")
        } else if desired.resources.isEmpty {
            blockers.append(
                "the manifests describe no resources, yet the plan deletes \(deletes.count) resource"
                    + "\(deletes.count == 1 ? "" : "s") prune owns; nothing will be written: check spec.resources, "
                    + "or disable prune")
        }
        if let foreign = foreignTarget(deletes: deletes, desired: desired, live: live, scope: scope) {
            blockers.append(foreign)
        }
        if !scope.allowMassDelete {
            for (kind, ids) in emptiedKinds(deletes: deletes, live: live) {
                let listed = ids.prefix(3).map(\.description).joined(separator: ", ")
                let more = ids.count > 3 ? ", …" : ""
                blockers.append(
                    "the plan deletes every \(kind.rawValue) in APIM (\(ids.count): \(listed)\(more)); \(override)")
            }
        }
        return blockers
    }

    /// `resource folder 'a' holds` / `resource folders 'a', 'b' hold`, or `nil` when none is empty.
    static func emptyFolders(_ scope: PlanScope) -> String? {
        let folders = scope.emptyResourceFolders
        guard !folders.isEmpty else { return nil }
        let names = folders.map { "'\($0)'" }.joined(separator: ", ")
        return folders.count == 1 ? "resource folder \(names) holds" : "resource folders \(names) hold"
    }

    /// A repository pointed at another service: the manifests declare resources prune owns, none of them exists
    /// live, and live has others prune owns that the plan would delete. APIM has no ownership marker to ask, so
    /// this overlap is the evidence: the service a repository manages always holds what it applied before.
    static func foreignTarget(
        deletes: [ResourceChange], desired: State, live: State, scope: PlanScope
    ) -> String? {
        let owned = desired.sorted.filter {
            scope.prune.owns($0.id) && $0.reconcile != .orphan && !KindCatalog.builtIns.contains($0.id)
        }
        guard !owned.isEmpty, !owned.contains(where: { live[$0.id] != nil }) else { return nil }
        return "none of the \(owned.count) resources this repository owns exists in the target, yet the plan "
            + "deletes \(deletes.count) that prune owns there: this looks like a different service than the one "
            + "the repository manages; nothing will be written (check the environment's target; to adopt this "
            + "service, apply once with prune disabled)"
    }

    /// Kinds of which the plan deletes every live resource (nothing of the kind, built-in, protected or
    /// unmanaged, would be left), with the ids deleted.
    static func emptiedKinds(deletes: [ResourceChange], live: State) -> [(ResourceKind, [ResourceID])] {
        var deleted: [ResourceKind: [ResourceID]] = [:]
        for change in deletes { deleted[change.id.kind, default: []].append(change.id) }
        return deleted.keys.sorted().compactMap { kind in
            let ids = deleted[kind] ?? []
            return live.resources(of: kind).count == ids.count ? (kind, ids) : nil
        }
    }
}
