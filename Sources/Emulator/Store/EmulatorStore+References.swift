import Model

/// Who uses whom, across kinds: what blocks a delete, and the associations and links a delete takes with it.
extension EmulatorStore {
    /// The ARM ids of every entity that still uses `target`, as each kind's rules tell (`EntityRules.uses`).
    func referrers(of target: Entity) -> [String] {
        state.entities.values.sorted { $0.seq < $1.seq }.compactMap { candidate in
            candidate.kind.rules.uses(candidate, target, in: self) ? armId(candidate.key) : nil
        }
    }

    /// APIM's 400 for a delete of something still in use (Azure/apiops-cli #261, for a fragment: "The Policy
    /// Fragment 'x' is used by the following entities:\r\n/policies/policy\r\n", details null). Other kinds follow
    /// the same pattern; their exact wording is not documented.
    func refuseDeleteIfUsed(_ entity: Entity, what: String) throws(ARMError) {
        let users = referrers(of: entity)
        guard !users.isEmpty else { return }
        let relative = users.map { id in
            id.lowercased().hasPrefix(servicePath.lowercased()) ? String(id.dropFirst(servicePath.count)) : id
        }
        throw ARMError.badRequest(
            "\(what) '\(entity.name)' is used by the following entities:\r\n" + relative.map { $0 + "\r\n" }.joined())
    }

    /// Drops the association entries and `*Links` that point at `target`.
    func removeAssociations(to target: Entity) {
        let key = target.key.lowercased()
        removeAssociations(kind: target.kind, name: target.name) { self.keyFromId($0)?.lowercased() == key }
    }

    /// Drops the association entries of `kind` named `name`, and the links of `kind` whose id `linkMatches`.
    func removeAssociations(kind: EntityKind, name: String, linkMatches: (String) -> Bool) {
        let lowerName = name.lowercased()
        for association in EntityKind.all where association.associationTarget == kind {
            for entry in state.all(kind: association) where entry.name.lowercased() == lowerName {
                state.removeTree(entry.key)
            }
        }
        for link in EntityKind.all where link.linkTarget == kind {
            guard let property = link.linkProperty else { continue }
            for entry in state.all(kind: link) where entry.properties[property]?.stringValue.map(linkMatches) == true {
                state.removeTree(entry.key)
            }
        }
    }
}
