/// A failed ARM operation: what was attempted, on which resource, and what ARM answered.
///
/// ```
/// PUT namedValues/nv1 failed: HTTP 412 PreconditionFailed: Resource was modified since last retrieval.
///   (x-ms-request-id 6f1c…, x-ms-client-request-id 0a2b…, 1 attempt)
/// ```
public struct ARMError: Error, CustomStringConvertible, Sendable {
    /// The category of failure; compare with the static members (`error.code == .preconditionFailed`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// 404: the entity does not exist.
        public static let notFound = Code("notFound")
        /// 412: the `If-Match` ETag is stale. Never retried; re-read and decide.
        public static let preconditionFailed = Code("preconditionFailed")
        /// 409: a conflicting operation (retried first when it is `PessimisticConcurrencyConflict`).
        public static let conflict = Code("conflict")
        /// 429 that outlasted the retry policy.
        public static let throttled = Code("throttled")
        /// 5xx that outlasted the retry policy (or was not safe to retry).
        public static let serverError = Code("serverError")
        /// 401/403: the token was rejected or lacks permission.
        public static let unauthorized = Code("unauthorized")
        /// Another 4xx (400 `ValidationError`, 422, …).
        public static let badRequest = Code("badRequest")
        /// The connection failed or dropped and retries ran out (or the request was not safe to retry).
        public static let transport = Code("transport")
        /// A request or a long-running operation did not finish in time.
        public static let timeout = Code("timeout")
        /// A long-running operation finished with status `Failed` or `Canceled`.
        public static let operationFailed = Code("operationFailed")
        /// The response could not be understood (bad JSON, a link to another host, …).
        public static let invalidResponse = Code("invalidResponse")
        /// The endpoint is not https (or loopback http).
        public static let insecureTransport = Code("insecureTransport")
        /// No credential produced a token.
        public static let authentication = Code("authentication")
        /// The caller's arguments do not describe a valid request.
        public static let invalidRequest = Code("invalidRequest")
    }

    /// The category of failure.
    public var code: Code
    /// The verb and service-relative path, e.g. `PUT namedValues/nv1`.
    public var operation: String
    /// The entity concerned, e.g. `namedValues/nv1` (nil for requests not about one entity).
    public var resource: String?
    /// The last HTTP status received, if any.
    public var status: Int?
    /// ARM's `error.code`, e.g. `ValidationError`.
    public var armCode: String?
    /// ARM's `error.message`, or a description of the local failure.
    public var message: String
    /// The server's `x-ms-request-id` of the failing response.
    public var requestID: String?
    /// The `x-ms-client-request-id` this client sent with the failing request.
    public var clientRequestID: String?
    /// How many HTTP attempts were made.
    public var attempts: Int

    public init(
        code: Code, operation: String, resource: String? = nil, status: Int? = nil, armCode: String? = nil,
        message: String, requestID: String? = nil, clientRequestID: String? = nil, attempts: Int = 0
    ) {
        self.code = code
        self.operation = operation
        self.resource = resource
        self.status = status
        self.armCode = armCode
        self.message = message
        self.requestID = requestID
        self.clientRequestID = clientRequestID
        self.attempts = attempts
    }

    public var description: String {
        var text = "\(operation) failed: "
        if let status { text += "HTTP \(status) " }
        if let armCode { text += "\(armCode): " }
        text += message
        var details: [String] = []
        if let resource, !operation.hasSuffix(" " + resource) { details.append("resource \(resource)") }
        if let requestID { details.append("x-ms-request-id \(requestID)") }
        if let clientRequestID { details.append("x-ms-client-request-id \(clientRequestID)") }
        if attempts > 0 { details.append(attempts == 1 ? "1 attempt" : "\(attempts) attempts") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text
    }

    /// The code for an unsuccessful HTTP status.
    static func code(forStatus status: Int) -> Code {
        switch status {
        case 404: .notFound
        case 412: .preconditionFailed
        case 409: .conflict
        case 429: .throttled
        case 401, 403: .unauthorized
        case 408, 504: .timeout
        case 500...599: .serverError
        default: .badRequest
        }
    }
}
