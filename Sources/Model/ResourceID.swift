/// Identifies one APIM entity inside a service: its kind and the names that fill the kind's path template.
///
/// `ResourceID(.apiOperationPolicy, "aoai", "chatcompletions-create").armPath` is
/// `apis/aoai/operations/chatcompletions-create/policies/policy`.
public struct ResourceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The entity's kind.
    public var kind: ResourceKind
    /// The names filling the kind's path template, outermost first.
    public var names: [String]

    /// An id from a kind and its names; the number of names must match the kind's template.
    public init(_ kind: ResourceKind, _ names: String...) {
        self.init(kind, names: names)
    }

    /// An id from a kind and its names; the number of names must match the kind's template.
    public init(_ kind: ResourceKind, names: [String]) {
        precondition(names.count == kind.nameCount, "\(kind) takes \(kind.nameCount) names, got \(names)")
        self.kind = kind
        self.names = names
    }

    /// The entity's own name (the last path segment with a name), or `policy` for the service policy.
    public var name: String { names.last ?? "policy" }

    /// The top-level entity that owns this one (its API or product), or `nil` for a top-level entity.
    public var owner: ResourceID? { kind.owningKind.map { ResourceID($0, names[0]) } }

    /// The entity this one lives directly under (an operation policy's operation), or `nil` for a top-level one.
    public var parent: ResourceID? {
        kind.descriptor.parent.map { ResourceID($0, names: Array(names.prefix($0.nameCount))) }
    }

    /// The ARM path relative to `…/service/{serviceName}/`.
    public var armPath: String {
        var remaining = names[...]
        return kind.pathTemplate.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment == "{}" ? remaining.popFirst() ?? "" : String(segment)
        }.joined(separator: "/")
    }

    /// A readable form used in plans and diagnostics, e.g. `backends/apimaoai01`.
    public var description: String { armPath }

    /// Parses a path relative to the service (as `armPath` produces) back into an id, if it matches a kind.
    public init?(armPath: String) {
        let segments = armPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for kind in ResourceKind.allCases {
            let template = kind.pathTemplate.split(separator: "/").map(String.init)
            guard template.count == segments.count else { continue }
            var names: [String] = []
            var matches = true
            for (part, segment) in zip(template, segments) {
                if part == "{}" {
                    guard !segment.isEmpty else {
                        matches = false
                        break
                    }
                    names.append(segment)
                } else if part.lowercased() != segment.lowercased() {
                    matches = false
                    break
                }
            }
            if matches {
                self.init(kind, names: names)
                return
            }
        }
        return nil
    }

    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
        return lhs.names.lexicographicallyPrecedes(rhs.names)
    }
}
