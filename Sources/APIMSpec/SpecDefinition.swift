/// A definition of the spec (a request or response body, or an object inside one), with `allOf` flattened.
public struct SpecDefinition: Sendable, Hashable {
    /// The spec's name, or `Parent/property` (`[]` for array items, `{}` for map values) for an inline object.
    public let name: String
    /// The properties by name.
    public let properties: [String: SpecProperty]
    /// Names of the required properties, sorted.
    public let required: [String]
    /// The type of members other than `properties` (swagger `additionalProperties`), if any are allowed typed.
    public let additionalProperties: SpecType?
    /// `allOf` parents that do not resolve locally (common-types `ProxyResource`: `id`, `name`, `type`, all
    /// read-only).
    public let unresolvedReferences: [String]
    /// Property names by lower-cased name: ARM binds JSON members to properties case-insensitively.
    private let namesByLowercasedName: [String: String]

    public init(
        name: String, properties: [String: SpecProperty], additionalProperties: SpecType? = nil,
        unresolvedReferences: [String] = []
    ) {
        self.name = name
        self.properties = properties
        self.required = properties.values.filter(\.isRequired).map(\.name).sorted()
        self.additionalProperties = additionalProperties
        self.unresolvedReferences = unresolvedReferences
        self.namesByLowercasedName = Dictionary(
            properties.keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Property names in a stable (sorted) order.
    public var propertyNames: [String] { properties.keys.sorted() }

    /// The property a JSON member named `key` binds to: an exact match first, then case-insensitively.
    public func property(forMember key: String) -> SpecProperty? {
        if let exact = properties[key] { return exact }
        return namesByLowercasedName[key.lowercased()].flatMap { properties[$0] }
    }
}
