/// A set of resources keyed by id: the desired state from manifests, or the live state read from APIM.
public struct State: Sendable, Hashable {
    public private(set) var resources: [ResourceID: Resource] = [:]

    public init(_ resources: [Resource] = []) {
        for resource in resources { insert(resource) }
    }

    /// Adds or replaces a resource.
    public mutating func insert(_ resource: Resource) {
        resources[resource.id] = resource
    }

    /// Removes a resource.
    public mutating func remove(_ id: ResourceID) {
        resources[id] = nil
    }

    public subscript(id: ResourceID) -> Resource? { resources[id] }

    /// The resources in a stable order: by kind (dependency order of kinds), then by names.
    public var sorted: [Resource] { resources.values.sorted { $0.id < $1.id } }

    /// The number of resources.
    public var count: Int { resources.count }

    /// The resources of one kind, sorted.
    public func resources(of kind: ResourceKind) -> [Resource] {
        resources.values.filter { $0.id.kind == kind }.sorted { $0.id < $1.id }
    }
}
