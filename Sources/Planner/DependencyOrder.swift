import Model

/// Orders changes so that each can be applied: creates and updates with their dependencies first, then deletes
/// with their dependants first. Ties keep the stable resource order, so plans are deterministic.
enum DependencyOrder {
    static func order(
        writes: [ResourceChange], deletes: [ResourceChange], live: State
    ) -> (changes: [ResourceChange], blockers: [String]) {
        var blockers: [String] = []
        let writeIDs = Set(writes.map(\.id))
        let (orderedWrites, cyclicWrites) = topological(
            writes.sorted { $0.id < $1.id },
            dependencies: { change in change.dependencies.filter { writeIDs.contains($0) } })
        if !cyclicWrites.isEmpty {
            blockers.append("dependency cycle among " + cyclicWrites.map(\.id.description).joined(separator: ", "))
        }
        var displayNames: [String: ResourceID] = [:]
        for resource in live.resources(of: .namedValue) {
            if let name = resource.properties["displayName"]?.stringValue {
                displayNames[name.lowercased()] = resource.id
            }
        }
        // ARM ids are case-insensitive: references resolve to the deleted resource whatever their case.
        var deleteByPath: [String: ResourceID] = [:]
        for change in deletes { deleteByPath[change.id.armPath.lowercased()] = change.id }
        // A delete waits for the deletes of everything that depends on it.
        var dependants: [ResourceID: Set<ResourceID>] = [:]
        for change in deletes {
            guard let resource = live[change.id] else { continue }
            for reference in LiveDependencies.of(resource, namedValuesByDisplayName: displayNames) {
                guard let target = deleteByPath[reference.armPath.lowercased()], target != change.id else { continue }
                dependants[target, default: []].insert(change.id)
            }
        }
        var deletes = deletes
        for index in deletes.indices { deletes[index].dependencies = dependants[deletes[index].id] ?? [] }
        let (orderedDeletes, cyclicDeletes) = topological(
            deletes.sorted { $1.id < $0.id }, dependencies: { $0.dependencies })
        return (orderedWrites + orderedDeletes + cyclicWrites + cyclicDeletes, blockers)
    }

    /// Kahn's algorithm over `items` in their given order; returns the ordered items and those left in cycles.
    static func topological(
        _ items: [ResourceChange], dependencies: (ResourceChange) -> Set<ResourceID>
    ) -> ([ResourceChange], [ResourceChange]) {
        var remaining = items
        var done: Set<ResourceID> = []
        var ordered: [ResourceChange] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { dependencies($0).isSubset(of: done) }
            if ready.isEmpty { break }
            ordered += ready
            done.formUnion(ready.map(\.id))
            let readyIDs = Set(ready.map(\.id))
            remaining.removeAll { readyIDs.contains($0.id) }
        }
        return (ordered, remaining)
    }
}
