import Foundation
import Model

/// Entity keys: the internal key of an entity is its path below the service, with API ids always carrying their
/// revision (`apis/echo-api;rev=1/operations/x`). A request names the current revision without `;rev=`
/// (apim-rest.md §3.1, §3.3), and answers name it so too.
extension EmulatorStore {
    /// The internal API name (`base;rev=n`) for a requested API id (`base` = current revision, or `base;rev=n`).
    func internalApiName(_ name: String) -> String {
        if let range = name.range(of: ";rev=", options: .caseInsensitive) {
            let base = String(name[..<range.lowerBound])
            let rev = String(name[range.upperBound...])
            if let stored = state.entity("apis/\(base);rev=\(rev)") { return stored.name }
            return "\(base);rev=\(rev)"
        }
        if let current = state.currentRevision[name.lowercased()] {
            if let stored = state.entity("apis/\(name);rev=\(current)") { return stored.name }
            return "\(name);rev=\(current)"
        }
        return "\(name);rev=1"
    }

    static func splitApiName(_ apiName: String) -> (base: String, rev: String) {
        if let range = apiName.range(of: ";rev=", options: .caseInsensitive) {
            return (String(apiName[..<range.lowerBound]), String(apiName[range.upperBound...]))
        }
        return (apiName, "1")
    }

    /// The internal key of the first `count` names of `route`.
    func resolveKey(_ route: Route, count: Int) -> String {
        var parts: [String] = []
        for offset in 0..<count {
            parts.append(route.collections[offset])
            var name = route.names[offset]
            if offset == 0 && route.collections[0] == "apis" {
                name = internalApiName(name)
            } else if route.collections[offset] == "apis" {
                name = Self.splitApiName(name).base
            }
            parts.append(name)
        }
        return parts.joined(separator: "/")
    }

    func itemKey(_ route: Route) -> String { resolveKey(route, count: route.names.count) }

    /// 404 for the first missing parent entity.
    func checkAncestors(_ route: Route) throws(ARMError) {
        let parents = route.isCollection ? route.names.count : route.names.count - 1
        guard parents > 0 else { return }
        for count in 1...parents where state.entity(resolveKey(route, count: count)) == nil {
            let pattern = route.collections[0..<count].joined(separator: "/")
            throw ARMError.notFound(EntityKind.byPattern[pattern]?.label ?? "Entity")
        }
    }

    /// The external path (current revision without `;rev=`) of an internal key.
    func externalKey(_ key: String) -> String {
        guard key.count > 5, key.prefix(5).lowercased() == "apis/" else { return key }
        var parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let (base, rev) = Self.splitApiName(parts[1])
        if state.currentRevision[base.lowercased()] == rev { parts[1] = base }
        return parts.joined(separator: "/")
    }

    func armId(_ key: String) -> String { servicePath + "/" + externalKey(key) }

    /// The internal key of a full or service-relative ARM id (`/subscriptions/…/apis/x` or `/apis/x`).
    func keyFromId(_ id: String) -> String? {
        var relative = id
        if id.lowercased().hasPrefix(servicePath.lowercased() + "/") {
            relative = String(id.dropFirst(servicePath.count + 1))
        } else if id.hasPrefix("/subscriptions/") {
            return nil
        } else if relative.hasPrefix("/") {
            relative = String(relative.dropFirst())
        }
        let segments = relative.split(separator: "/").map(String.init)
        guard segments.count >= 2, segments.count % 2 == 0, let route = Route.parse(segments, method: "GET") else {
            return nil
        }
        return itemKey(route)
    }

    /// The entity of `kind` a full or service-relative id names, if it exists.
    func entity(id: String, of kind: EntityKind) -> Entity? {
        guard let key = keyFromId(id), let entity = state.entity(key), entity.kind == kind else { return nil }
        return entity
    }
}
