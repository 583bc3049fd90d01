import Foundation

/// Which URLs the client may send credentials to: `https` anywhere (certificates are always verified), plain
/// `http` only to the loopback interface (`127.0.0.0/8`, `::1`, `localhost`).
public enum TransportSecurity {
    /// The parts of a URL that decide where a request goes.
    public struct Origin: Hashable, Sendable, CustomStringConvertible {
        public var scheme: String
        public var host: String
        public var port: Int

        public var description: String { "\(scheme)://\(host):\(port)" }
    }

    /// Checks that `url` is `https`, or `http` to loopback, and returns its origin.
    ///
    /// - Parameters:
    ///   - url: The absolute URL to check.
    ///   - allowingPlainHTTPTo: Extra hosts that may be reached over plain `http` (only the managed-identity
    ///     credential passes the link-local IMDS address here).
    /// - Throws: ``InsecureURLError`` when the URL is not allowed.
    @discardableResult
    public static func validate(
        _ url: String, allowingPlainHTTPTo extraHosts: Set<String> = []
    ) throws(InsecureURLError)
        -> Origin
    {
        guard let origin = origin(of: url) else {
            throw InsecureURLError(url: redactedForDisplay(url), reason: "not an absolute http(s) URL")
        }
        switch origin.scheme {
        case "https":
            return origin
        case "http":
            if isLoopback(origin.host) || extraHosts.contains(origin.host) { return origin }
            throw InsecureURLError(
                url: redactedForDisplay(url),
                reason: "plain http is only allowed to loopback; use https"
            )
        default:
            throw InsecureURLError(url: redactedForDisplay(url), reason: "unsupported scheme '\(origin.scheme)'")
        }
    }

    /// The scheme, lower-cased host (without IPv6 brackets) and effective port of an absolute URL.
    public static func origin(of url: String) -> Origin? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port: Int
        switch (components.port, scheme) {
        case (let explicit?, _): port = explicit
        case (nil, "https"): port = 443
        case (nil, "http"): port = 80
        default: return nil
        }
        return Origin(scheme: scheme, host: host, port: port)
    }

    /// Whether a host name or address is the loopback interface.
    public static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    /// A URL for messages: scheme, host, port and path, never the query (it may hold a signature).
    static func redactedForDisplay(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<unparseable URL>" }
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return components.string ?? "<unparseable URL>"
    }
}

/// A URL the client refuses to send credentials to.
public struct InsecureURLError: Error, CustomStringConvertible, Sendable {
    /// The URL without its query.
    public var url: String
    /// Why it was refused.
    public var reason: String

    public var description: String { "refusing \(url): \(reason)" }
}
