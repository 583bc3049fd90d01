import Foundation

/// HTTP header fields in order, with names compared without case.
public struct HeaderFields: Sendable, Hashable, Sequence {
    public private(set) var fields: [Field]

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Every value of `name`.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The values of `name` joined with `,`, or nil when absent.
    public subscript(name: String) -> String? {
        let found = values(name)
        return found.isEmpty ? nil : found.joined(separator: ",")
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Replaces every value of `name`.
    public mutating func set(_ name: String, _ values: [String]) {
        if let first = fields.firstIndex(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) {
            let kept = fields[first].name
            remove(name)
            fields.insert(contentsOf: values.map { Field(name: kept, value: $0) }, at: Swift.min(first, fields.count))
        } else {
            fields += values.map { Field(name: name, value: $0) }
        }
    }

    public mutating func set(_ name: String, _ value: String) { set(name, [value]) }

    public mutating func append(_ name: String, _ value: String) { fields.append(Field(name: name, value: value)) }

    /// Names in order of first appearance, each once.
    var names: [String] {
        var seen: Set<String> = []
        return fields.compactMap { seen.insert($0.name.lowercased()).inserted ? $0.name : nil }
    }
}

/// A request to the gateway, as a client sends it.
public struct GatewayRequest: Sendable {
    public var method: String
    /// The path, percent-encoded as sent (`/aoai/openai/deployments/gpt-4o/chat/completions`).
    public var path: String
    /// Query parameters in order, decoded.
    public var query: [(String, String)]
    public var headers: HeaderFields
    public var body: [UInt8]
    /// The caller's IP address (`context.Request.IpAddress`, `ip-filter`).
    public var clientIP: String
    /// The host the caller addressed (`context.Request.OriginalUrl.Host`).
    public var host: String

    public init(
        method: String, path: String, query: [(String, String)] = [], headers: HeaderFields = HeaderFields(),
        body: [UInt8] = [], clientIP: String = "127.0.0.1", host: String = "localhost"
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.clientIP = clientIP
        self.host = host
    }

    /// A request from a target such as `/aoai/openai/x?api-version=1&a=b`.
    public init(
        method: String, target: String, headers: HeaderFields = HeaderFields(), body: [UInt8] = [],
        clientIP: String = "127.0.0.1", host: String = "localhost"
    ) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let query = parts.count > 1 ? Self.parseQuery(String(parts[1])) : []
        self.init(
            method: method, path: String(parts.first ?? "/"), query: query, headers: headers, body: body,
            clientIP: clientIP, host: host)
    }

    /// `a=1&b=x%20y` as decoded pairs (`+` is a space, as in forms).
    public static func parseQuery(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

/// The gateway's answer, and how it was reached.
public struct GatewayResponse: Sendable {
    public var status: Int
    public var reason: String
    public var headers: HeaderFields
    public var body: [UInt8]
    /// The statements that ran, in order, each at its `file:line`.
    public var trace: [TraceEntry]
    /// Set when the request met something the local gateway does not run (the message names it and its place).
    public var unsupported: String?

    public init(
        status: Int, reason: String? = nil, headers: HeaderFields = HeaderFields(), body: [UInt8] = [],
        trace: [TraceEntry] = [], unsupported: String? = nil
    ) {
        self.status = status
        self.reason = reason ?? HTTPReason.phrase(status)
        self.headers = headers
        self.body = body
        self.trace = trace
        self.unsupported = unsupported
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// One statement that ran: its element name, where it is written, and a short note (never a secret).
public struct TraceEntry: Sendable, Hashable, CustomStringConvertible {
    public var statement: String
    public var location: String
    public var note: String?

    public init(statement: String, location: String, note: String? = nil) {
        self.statement = statement
        self.location = location
        self.note = note
    }

    public var description: String { "\(location): <\(statement)>" + (note.map { " \($0)" } ?? "") }
}

/// Reason phrases of the status codes the gateway produces.
enum HTTPReason {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }
}
