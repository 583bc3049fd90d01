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

    /// Replaces the properties of every resource with `transform(properties)`.
    public mutating func transformProperties(_ transform: (JSONValue) -> JSONValue) {
        resources = resources.mapValues { resource in
            var transformed = resource
            transformed.properties = transform(resource.properties)
            return transformed
        }
    }

    /// Removes a resource.
    public mutating func remove(_ id: ResourceID) {
        resources[id] = nil
    }

    public subscript(id: ResourceID) -> Resource? { resources[id] }

    /// The resources in a stable order: by kind (dependency order of kinds), then by names.
    public var sorted: [Resource] { resources.keys.sorted().compactMap { resources[$0] } }

    /// The number of resources.
    public var count: Int { resources.count }

    /// The resources of one kind, sorted.
    public func resources(of kind: ResourceKind) -> [Resource] {
        resources.keys.filter { $0.kind == kind }.sorted().compactMap { resources[$0] }
    }
}
