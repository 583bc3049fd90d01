import APIMSpec

/// The spec's operations grouped by the entity collection they act on: `apis/{apiId}/operations/{operationId}` is
/// an item operation of `apis/operations`, `GET apis/{apiId}/operations` its list, and
/// `POST namedValues/{id}/listValue` an action of `namedValues`. Paths with a fixed name (`wikis/default`) or a fixed
/// query (`ApiExport_Get`) are left out.
struct SpecOperationIndex: Sendable {
    /// What the spec says about one collection.
    struct Entry: Sendable {
        /// Item operations by method (`GET`, `HEAD`, `PUT`, `PATCH`, `DELETE`).
        var item: [String: SpecOperation] = [:]
        /// The list operation (`GET` on the collection).
        var list: SpecOperation?
        /// POST actions by lower-cased name (`listvalue`).
        var actions: [String: SpecOperation] = [:]
    }

    /// By collection pattern (`apis/operations`).
    let entries: [String: Entry]

    static let shared = SpecOperationIndex(SpecCatalog.shared.operations)

    init(_ operations: [SpecOperation]) {
        var entries: [String: Entry] = [:]
        for operation in operations where operation.fixedQuery.isEmpty {
            guard let collections = Self.collections(of: operation.segments) else { continue }
            let pattern = collections.joined(separator: "/")
            if operation.segments.count % 2 == 0 {
                entries[pattern, default: Entry()].item[operation.method] = operation
            } else if operation.method == "GET" {
                entries[pattern, default: Entry()].list = operation
            } else if operation.method == "POST", collections.count > 1 {
                let owner = collections.dropLast().joined(separator: "/")
                entries[owner, default: Entry()].actions[collections[collections.count - 1].lowercased()] = operation
            }
        }
        self.entries = entries
    }

    /// The literal segments of `collection/{name}/collection/…`, or nil when names and collections do not alternate.
    private static func collections(of segments: [SpecOperation.Segment]) -> [String]? {
        var collections: [String] = []
        for (offset, segment) in segments.enumerated() {
            switch segment {
            case .literal(let name) where offset % 2 == 0: collections.append(name)
            case .parameter where offset % 2 == 1: continue
            default: return nil
            }
        }
        return collections.isEmpty ? nil : collections
    }
}
