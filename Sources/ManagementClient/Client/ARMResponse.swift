import Model

/// A successful ARM response. Its descriptions leave out the body, which may hold secrets (`listValue`,
/// `listSecrets`).
public struct ARMResponse: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The HTTP status (200, 201, 202, 204; after a long-running operation, the final status).
    public var status: Int
    /// The `ETag` header, when ARM sent one.
    public var etag: String?
    /// The JSON body, when there was one.
    public var body: JSONValue?
    /// The server's `x-ms-request-id`.
    public var requestID: String?
    /// The `x-ms-client-request-id` this client sent.
    public var clientRequestID: String?
    /// All response headers, names lower-cased.
    public var headers: [String: String]
    /// The raw body bytes (e.g. when a policy is requested as XML rather than JSON).
    public var rawBody: [UInt8]

    public init(
        status: Int, etag: String? = nil, body: JSONValue? = nil, requestID: String? = nil,
        clientRequestID: String? = nil, headers: [String: String] = [:], rawBody: [UInt8] = []
    ) {
        self.status = status
        self.etag = etag
        self.body = body
        self.requestID = requestID
        self.clientRequestID = clientRequestID
        self.headers = headers
        self.rawBody = rawBody
    }

    /// `properties` of the resource envelope, if the body is one.
    public var properties: JSONValue? { body?["properties"] }

    /// A header by name (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var description: String {
        "ARMResponse(status: \(status), etag: \(etag ?? "-"), x-ms-request-id: \(requestID ?? "-"), "
            + "body: \(rawBody.count) bytes)"
    }

    public var debugDescription: String { description }
}
