import Model

/// Decides what must change for live APIM to match the manifests. Pure: no I/O, so a plan can be computed and
/// tested offline from a saved live state.
public enum Planner {
    public static func plan(
        desired: State, live: State, scope: PlanScope = PlanScope(), secrets: SecretDigests = SecretDigests()
    ) -> Plan {
        var plan = Plan()
        plan.notes += keyVaultFailures(desired: desired, live: live)
        var live = live
        live.transformProperties(LiveNormalizer.normalize)
        var writes: [ResourceChange] = []
        var secretsNotCompared: [String] = []
        // Grouped once: per-API filtering of every live operation would be quadratic on large instances.
        var operationsByAPI: [String: [Resource]] = [:]
        for resource in live.resources.values where resource.id.kind == .apiOperation {
            operationsByAPI[resource.id.names[0], default: []].append(resource)
        }
        for resource in desired.sorted where resource.reconcile != .orphan {
            guard let current = live[resource.id] else {
                let change = ResourceChange(
                    id: resource.id, action: .create, fields: creationFields(resource), properties: resource.properties,
                    dependencies: resource.dependencies, origin: resource.origin, generatedBy: resource.generatedBy,
                    reimport: resource.specification != nil)
                if resource.reconcile == .skip { plan.skipped.append(change) } else { writes.append(change) }
                continue
            }
            var fields = PropertyComparison.fields(desired: resource, live: current)
            if !resource.secrets.isEmpty {
                if let want = secrets.desired[resource.id], let have = secrets.live[resource.id] {
                    if want != have {
                        let path = resource.secrets.keys.sorted().joined(separator: ", ")
                        fields.append(FieldChange(path: path, before: "(secret)", after: "(secret changed)"))
                    }
                } else if secrets.checked {
                    let sources = resource.secrets.values.map(String.init(describing:)).sorted()
                    let why =
                        secrets.desired[resource.id] == nil
                        ? "\(sources.joined(separator: ", ")) is not set here"
                        : "its live value could not be read"
                    secretsNotCompared.append("\(resource.id) (\(why))")
                } else {
                    secretsNotCompared.append(resource.id.description)
                }
            }
            var reimport = false
            if let specification = resource.specification {
                let operationChanges = operationDifferences(
                    specification, liveOperations: operationsByAPI[resource.id.name] ?? [])
                if !operationChanges.isEmpty {
                    reimport = true
                    fields += operationChanges
                }
            }
            if fields.isEmpty {
                plan.unchanged.append(resource.id)
                continue
            }
            if let blocker = revisionBlocker(resource, live: current) {
                plan.blockers.append(blocker)
            } else if let change = fields.first(where: { $0.path == "apiRevision" }), let before = change.before,
                let after = change.after
            {
                plan.notes.append(
                    "\(resource.id): revision \(after) is cloned from the current revision \(before) and released, "
                        + "then changed; revision \(before) stays in APIM to roll back to")
            }
            let change = ResourceChange(
                id: resource.id, action: .update, fields: fields, properties: resource.properties,
                liveETag: current.etag,
                dependencies: resource.dependencies, origin: resource.origin, generatedBy: resource.generatedBy,
                reimport: reimport)
            if resource.reconcile == .skip { plan.skipped.append(change) } else { writes.append(change) }
        }
        if !secretsNotCompared.isEmpty {
            plan.notes.append(
                secrets.checked
                    ? "secret values not compared: " + secretsNotCompared.joined(separator: ", ")
                    : "secret values were not compared (run with --check-secrets to compare them by SHA-256)")
        }

        let deletes = pruneDecisions(desired: desired, live: live, scope: scope, plan: &plan)
        plan.blockers += PruneGuards.blockers(deletes: deletes, desired: desired, live: live, scope: scope)
        let ordered = DependencyOrder.order(writes: writes, deletes: deletes, live: live)
        plan.changes = ordered.changes
        plan.blockers += ordered.blockers
        return plan
    }

    /// An API whose manifest names an older revision than the current one: revisions only go forward.
    static func revisionBlocker(_ desired: Resource, live: Resource) -> String? {
        guard desired.id.kind == .api, let want = desired.properties["apiRevision"]?.stringValue.flatMap({ Int($0) }),
            let have = live.properties["apiRevision"]?.stringValue.flatMap({ Int($0) }), want < have
        else { return nil }
        return "\(desired.id): the manifest names revision \(want), older than the current revision \(have); "
            + "revisions only go forward (to roll back, make revision \(want) current in APIM, then set it here)"
    }

    /// Named values the manifests take from Key Vault whose last refresh APIM reports as failed: the value in use
    /// may be stale, which no diff of properties would show.
    static func keyVaultFailures(desired: State, live: State) -> [String] {
        desired.resources(of: .namedValue).compactMap { resource in
            guard resource.properties["keyVault"] != nil,
                let status = live[resource.id]?.properties["keyVault"]?["lastStatus"],
                let code = status["code"]?.stringValue, code != "Success"
            else { return nil }
            let message = status["message"]?.stringValue.map { ": \($0)" } ?? ""
            let since = status["timeStampUtc"]?.stringValue.map { " (\($0))" } ?? ""
            return "\(resource.id): APIM could not refresh it from Key Vault, \(code)\(message)\(since); the value in "
                + "use may be stale"
        }
    }

    /// For a create, the top-level properties being set (policies are summarised by the renderer).
    static func creationFields(_ resource: Resource) -> [FieldChange] {
        guard !resource.id.kind.isPolicy else { return [] }
        let descriptor = resource.id.kind.descriptor
        return (resource.properties.objectValue ?? JSONObject()).filter {
            $0.key != "value" || !descriptor.holdsPolicyDocument
        }.map {
            FieldChange(
                path: $0.key, before: nil,
                after: PropertyComparison.display($0.value, key: $0.key, descriptor: descriptor))
        }
    }

    /// The operations a re-import would add, remove or change, compared with the live operations of the API.
    static func operationDifferences(_ specification: APISpecification, liveOperations: [Resource]) -> [FieldChange] {
        var liveByName: [String: Resource] = [:]
        for operation in liveOperations { liveByName[operation.id.names[1]] = operation }
        var changes: [FieldChange] = []
        for operation in specification.operations {
            let wanted = "\(operation.method) \(operation.urlTemplate) (\(operation.displayName))"
            guard let existing = liveByName.removeValue(forKey: operation.name) else {
                changes.append(FieldChange(path: "operations/\(operation.name)", before: nil, after: wanted))
                continue
            }
            let properties = existing.properties
            let have =
                "\(properties["method"]?.stringValue ?? "") \(properties["urlTemplate"]?.stringValue ?? "") "
                + "(\(properties["displayName"]?.stringValue ?? ""))"
            if have != wanted {
                changes.append(FieldChange(path: "operations/\(operation.name)", before: have, after: wanted))
            }
        }
        for name in liveByName.keys.sorted() {
            changes.append(FieldChange(path: "operations/\(name)", before: "(deleted by re-import)", after: nil))
        }
        return changes
    }

    /// Live resources no manifest describes: deleted when prune owns them, otherwise reported as unmanaged.
    static func pruneDecisions(desired: State, live: State, scope: PlanScope, plan: inout Plan) -> [ResourceChange] {
        let owns = scope.prune.owns.map(GlobPattern.init)
        let protect = scope.prune.protect.map(GlobPattern.init)
        var deleted: Set<ResourceID> = []
        var unmanaged: Set<ResourceID> = []
        var deletes: [ResourceChange] = []
        var skippedKinds: Set<ResourceKind> = []
        for resource in live.sorted where desired[resource.id] == nil {
            let id = resource.id
            if id.kind.descriptor.derived || KindCatalog.builtIns.contains(id) { continue }
            if let parent = id.owner {
                if KindCatalog.builtIns.contains(parent) || deleted.contains(parent) || unmanaged.contains(parent) {
                    continue
                }
            }
            if protect.contains(where: { $0.matches(id.armPath) }) { continue }
            let owned = scope.prune.enabled && owns.contains { $0.matches(id.armPath) }
            if owned, scope.incompleteKinds.contains(id.kind) {
                skippedKinds.insert(id.kind)
                unmanaged.insert(id)
            } else if owned {
                deleted.insert(id)
                deletes.append(ResourceChange(id: id, action: .delete, liveETag: resource.etag))
            } else {
                unmanaged.insert(id)
            }
        }
        for kind in skippedKinds.sorted() {
            plan.notes.append("not pruning \(kind.rawValue): its live listing was incomplete")
        }
        plan.unmanaged = unmanaged.sorted()
        return deletes
    }
}
