import Model

extension KindDescriptor {
    /// The first vendored api-version whose spec has this kind (its request body definition); the GA version for
    /// kinds without a body of their own (associations).
    public var minimumAPIVersion: APIVersion {
        guard let definition = specDefinition else { return .ga }
        let catalog = SpecCatalog.shared
        return catalog.versions.first { catalog.definition(definition, in: $0) != nil } ?? .ga
    }

    /// Whether a service managed at `version` has this kind (and its parent, for child kinds).
    public func isAvailable(in version: APIVersion) -> Bool {
        minimumAPIVersion <= version && (parent.map { $0.descriptor.isAvailable(in: version) } ?? true)
    }
}

extension KindCatalog {
    /// The kinds a service managed at `version` does not have: nothing of them is read or written there.
    public static func unavailableKinds(in version: APIVersion) -> Set<ResourceKind> {
        Set(kinds.filter { !$0.descriptor.isAvailable(in: version) })
    }
}
