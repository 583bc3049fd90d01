/// Patterns over resource paths for `owns` and `protect`: `*` matches within one path segment; a pattern that
/// matches a resource also covers its children (`apis/*` covers `apis/aoai/policies/policy`).
struct GlobPattern: Sendable, Hashable {
    var pattern: String

    func matches(_ path: String) -> Bool {
        let segments = path.split(separator: "/").map(String.init)
        let patternSegments = pattern.split(separator: "/").map(String.init)
        guard patternSegments.count <= segments.count else { return false }
        return zip(patternSegments, segments).allSatisfy { Self.matchSegment($0, $1) }
    }

    static func matchSegment(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern)
        let t = Array(text)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
