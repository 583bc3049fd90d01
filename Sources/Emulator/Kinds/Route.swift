/// A parsed ARM entity path below the service.
struct Route: Sendable {
    var collections: [String]
    var names: [String]
    var action: String?

    var isCollection: Bool { collections.count > names.count }
    var pattern: String { collections.joined(separator: "/") }
    /// The kind the path addresses, if the emulator serves it.
    var kind: EntityKind? { EntityKind.byPattern[pattern] }

    /// Splits `segments` (already percent-decoded) into collections, names and an optional POST action.
    static func parse(_ segments: [String], method: String) -> Route? {
        var parts = segments
        var action: String?
        if method == "POST", parts.count >= 3, parts.count % 2 == 1 {
            action = parts.removeLast()
        }
        var collections: [String] = []
        var names: [String] = []
        for (offset, part) in parts.enumerated() {
            if offset % 2 == 0 {
                guard let canonical = EntityKind.collectionNames[part.lowercased()] else { return nil }
                collections.append(canonical)
            } else {
                guard !part.isEmpty else { return nil }
                names.append(part)
            }
        }
        guard !collections.isEmpty else { return nil }
        return Route(collections: collections, names: names, action: action)
    }
}
