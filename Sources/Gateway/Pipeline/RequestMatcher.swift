import Foundation

/// The API and operation a request reaches, as APIM selects them: the API whose path is the longest prefix of the
/// request path (with the version in the path segment, query parameter or header of its version set), then the
/// operation whose method and URL template match what follows, literal segments preferred over `{parameters}`.
struct RequestMatch: Sendable {
    var api: GatewayAPI
    /// Nil when no operation matches (a 404, or a CORS preflight the API policies may answer).
    var operation: GatewayOperation?
    /// Template parameters from the path and query (`deployment-id`, `api-version`).
    var parameters: [(String, String)]
    /// The path after the API's path (and version), starting with `/`.
    var relativePath: String
}

enum RequestMatcher {
    static func match(_ request: GatewayRequest, in snapshot: GatewaySnapshot) -> RequestMatch? {
        let segments = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        var best: (api: GatewayAPI, used: Int)?
        for api in snapshot.apis {
            let apiSegments = api.path.split(separator: "/").map(String.init)
            guard segments.count >= apiSegments.count,
                zip(apiSegments, segments).allSatisfy({ $0.caseInsensitiveCompare($1) == .orderedSame })
            else { continue }
            var used = apiSegments.count
            if let setName = api.versionSetName, let set = snapshot.versionSets[setName.lowercased()] {
                let version = api.version ?? ""
                switch set.scheme {
                case .segment:
                    if version.isEmpty {
                        // The original (unversioned) API of a set is reached without a version segment.
                    } else {
                        guard used < segments.count, segments[used] == version else { continue }
                        used += 1
                    }
                case .query:
                    let given = request.query.first { $0.0 == (set.parameterName ?? "api-version") }?.1 ?? ""
                    guard given == version else { continue }
                case .header:
                    guard (request.headers[set.parameterName ?? "Api-Version"] ?? "") == version else { continue }
                }
            }
            if best == nil || used > best?.used ?? 0 { best = (api, used) }
        }
        guard let (api, used) = best else { return nil }
        let rest = Array(segments[used...])
        let relative = "/" + rest.joined(separator: "/")
        var chosen: (operation: GatewayOperation, parameters: [(String, String)], score: Int)?
        for operation in api.operations where operation.method == request.method || operation.method == "*" {
            guard let (parameters, score) = matchTemplate(operation.urlTemplate, rest, query: request.query) else {
                continue
            }
            if chosen == nil || score > chosen?.score ?? 0 { chosen = (operation, parameters, score) }
        }
        return RequestMatch(
            api: api, operation: chosen?.operation, parameters: chosen?.parameters ?? [], relativePath: relative)
    }

    /// The parameters `template` binds in `segments` and `query`, and a score preferring literal segments.
    static func matchTemplate(
        _ template: String, _ segments: [String], query: [(String, String)]
    ) -> ([(String, String)], Int)? {
        let parts = template.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let templateSegments = (parts.first ?? "").split(separator: "/").map(String.init)
        var parameters: [(String, String)] = []
        var score = 0
        let wildcard = templateSegments.last == "*"
        let fixed = wildcard ? templateSegments.dropLast() : templateSegments[...]
        guard wildcard ? segments.count >= fixed.count : segments.count == fixed.count else { return nil }
        for (part, segment) in zip(fixed, segments) {
            if part.hasPrefix("{"), part.hasSuffix("}") {
                let name = String(part.dropFirst().dropLast()).replacingOccurrences(of: "*", with: "")
                guard !segment.isEmpty else { return nil }
                parameters.append((name, segment))
            } else if part.caseInsensitiveCompare(segment) == .orderedSame {
                score += 2
            } else if part.contains("{") {
                guard let bound = matchMixed(part, segment) else { return nil }
                parameters += bound
                score += 1
            } else {
                return nil
            }
        }
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let halves = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard let name = halves.first else { continue }
                guard let given = query.first(where: { $0.0 == name }) else { return nil }
                if halves.count > 1, halves[1].hasPrefix("{"), halves[1].hasSuffix("}") {
                    parameters.append((String(halves[1].dropFirst().dropLast()), given.1))
                } else if halves.count > 1, halves[1] != given.1 {
                    return nil
                }
                score += 1
            }
        }
        return (parameters, score)
    }

    /// A segment mixing literal text and one parameter (`{id}.json`).
    private static func matchMixed(_ part: String, _ segment: String) -> [(String, String)]? {
        guard let open = part.firstIndex(of: "{"), let close = part.firstIndex(of: "}"), open < close else {
            return nil
        }
        let prefix = part[..<open]
        let suffix = part[part.index(after: close)...]
        guard segment.hasPrefix(prefix), segment.hasSuffix(suffix), segment.count > prefix.count + suffix.count else {
            return nil
        }
        let value = segment.dropFirst(prefix.count).dropLast(suffix.count)
        return [(String(part[part.index(after: open)..<close]), String(value))]
    }
}
