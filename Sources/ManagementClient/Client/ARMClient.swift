import Foundation
import Logging
import Model

/// The only speaker of HTTP to Azure Resource Manager for one APIM service.
///
/// Paths are relative to the service (`backends/b1`, as ``ResourceID/armPath`` gives them). Every request
/// carries `api-version=2024-05-01`, a bearer token from the ``TokenCredential``, and a fresh
/// `x-ms-client-request-id`; it is paced (bounded concurrency, token buckets per request class) and retried
/// as ``RetryPolicy`` describes. Unsuccessful statuses throw ``ARMError``.
///
/// ```swift
/// let client = try ARMClient(configuration: config, credential: credential)
/// let backend = try await client.get(ResourceID(.backend, "b1"))
/// try await client.put(ResourceID(.backend, "b1"), properties: props, ifMatch: backend.etag)
/// ```
public final class ARMClient: Sendable {
    /// The api-version requests carry unless the configuration names another: the GA version.
    public static let apiVersion = "2024-05-01"

    /// Where the client points and how it behaves.
    public let configuration: ARMClientConfiguration
    let credential: any TokenCredential
    let transport: any HTTPTransport
    let pacer: RequestPacer
    let jitter: JitterSource
    let clock: any ARMClock
    let logger: Logger
    let origin: TransportSecurity.Origin
    /// `{resourceManager}/subscriptions/…/service/{name}`.
    let serviceURL: String

    /// A client for one APIM service.
    ///
    /// - Parameters:
    ///   - configuration: Endpoint, service coordinates, retry and pacing.
    ///   - credential: Where bearer tokens come from.
    ///   - transport: The HTTP transport (async-http-client unless a test wraps it).
    ///   - jitter: Random numbers for backoff; seed it for reproducible runs.
    ///   - clock: The clock for pacing and waits.
    ///   - logger: Receives request summaries at debug and retries at trace; never tokens or secret bodies.
    /// - Throws: ``ARMError`` with code `insecureTransport` when the endpoint is neither https nor loopback http.
    public init(
        configuration: ARMClientConfiguration, credential: any TokenCredential,
        transport: any HTTPTransport = AsyncHTTPTransport.shared, jitter: JitterSource = JitterSource(),
        clock: any ARMClock = SystemARMClock(), logger: Logger = Logger(label: "apimsync.arm")
    ) throws(ARMError) {
        var base = configuration.resourceManagerURL
        while base.hasSuffix("/") { base.removeLast() }
        do {
            origin = try TransportSecurity.validate(base)
        } catch {
            throw ARMError(code: .insecureTransport, operation: "connect", message: error.description)
        }
        self.configuration = configuration
        self.credential = credential
        self.transport = transport
        self.pacer = RequestPacer(policy: configuration.pacing, clock: clock)
        self.jitter = jitter
        self.clock = clock
        self.logger = logger
        self.serviceURL = base + configuration.servicePath
    }

    /// Wall time, per request class, during which the client's token bucket held requests back (since the client
    /// was made): how much of a run was bound by the ARM budget rather than by latency.
    public func budgetHeldSeconds() async -> [RequestClass: Double] {
        await pacer.heldSeconds()
    }

    // MARK: URLs

    /// The absolute URL of a service-relative path, with `api-version` and `query`.
    func url(path: String, query: [(String, String)] = []) -> String {
        let encoded = ARMURL.encodePath(path)
        let items = [("api-version", configuration.apiVersion)] + query
        return serviceURL + (encoded.isEmpty ? "" : "/" + encoded) + "?" + ARMURL.query(items)
    }

    /// Checks that a URL ARM handed back (nextLink, Location) points at the same origin as the client.
    func checkSameOrigin(_ link: String, request: ARMRequest, what: String) throws(ARMError) {
        guard let linkOrigin = TransportSecurity.origin(of: link), linkOrigin == origin else {
            throw ARMError(
                code: .invalidResponse, operation: request.operation, resource: request.resource,
                message: "refusing to follow \(what) to \(TransportSecurity.redactedForDisplay(link)): "
                    + "not the resource manager \(origin)"
            )
        }
    }

    // MARK: Sending

    /// One ARM call as the retry loop sees it.
    struct ARMRequest: Sendable {
        var method: String
        var url: String
        /// `VERB service-relative-path`, used in logs and errors.
        var operation: String
        var resource: String?
        var body: [UInt8]?
        var ifMatch: String?
        var accept: String = "application/json"
        var requestClass: RequestClass
        /// Whether repeating the request is harmless (GET, HEAD, PUT, DELETE, PATCH with If-Match, read-like
        /// POSTs): only then are 5xx and transport failures retried.
        var idempotent: Bool
        /// Statuses besides 2xx that are answers rather than failures (e.g. 404 for an existence check).
        var acceptedStatuses: Set<Int> = []
        /// Goes before queued requests: the next page of a list already started, which others wait for.
        var urgent = false
    }

    /// Sends a request with pacing and retries; returns the first acceptable response.
    func send(_ request: ARMRequest) async throws -> ARMResponse {
        let retry = configuration.retry
        let start = clock.now()
        var attempt = 0
        var renewedToken = false
        while true {
            attempt += 1
            let clientRequestID = UUID().uuidString.lowercased()
            let outcome: Result<TransportResponse, TransportError>
            let waited = try await pacer.acquire(request.requestClass, urgent: request.urgent)
            let sentAt = clock.now()
            do {
                let token: AccessToken
                do {
                    token = try await credential.token(for: configuration.scope)
                } catch let error as CredentialError {
                    throw ARMError(
                        code: .authentication, operation: request.operation, resource: request.resource,
                        message: error.description, attempts: attempt - 1
                    )
                }
                var headers: [(name: String, value: String)] = [
                    ("Authorization", "Bearer " + token.token),
                    ("x-ms-client-request-id", clientRequestID),
                    ("x-ms-return-client-request-id", "true"),
                    ("Accept", request.accept),
                    ("User-Agent", configuration.userAgent),
                ]
                if let ifMatch = request.ifMatch { headers.append(("If-Match", ifMatch)) }
                if request.body != nil { headers.append(("Content-Type", "application/json; charset=utf-8")) }
                let outgoing = TransportRequest(
                    method: request.method, url: request.url, headers: headers, body: request.body)
                let timeout = Duration.nanoseconds(Int64(retry.requestTimeoutSeconds * 1e9))
                do {
                    outcome = .success(try await transport.send(outgoing, timeout: timeout))
                } catch let error as TransportError {
                    outcome = .failure(error)
                }
            } catch {
                await pacer.release()
                throw error
            }
            await pacer.release()
            let elapsed = clock.now() - sentAt

            let decision: RetryDecision
            switch outcome {
            case .success(let response):
                let throttleDelay = response.status == 429 ? requestedRetryDelay(response) : nil
                await pacer.observe(response, requestClass: request.requestClass, throttleDelay: throttleDelay)
                log(
                    request, response: response, clientRequestID: clientRequestID, attempt: attempt,
                    seconds: elapsed, waited: waited)
                if (200..<300).contains(response.status) || request.acceptedStatuses.contains(response.status) {
                    return makeResponse(response, clientRequestID: clientRequestID)
                }
                if response.status == 401, !renewedToken {
                    // The token may have been revoked or expired early: fetch a new one and try once more.
                    renewedToken = true
                    await credential.invalidateToken(for: configuration.scope)
                    logger.debug("ARM rejected the token; renewing it", metadata: ["operation": "\(request.operation)"])
                    continue
                }
                decision = retryDecision(for: response, request: request, attempt: attempt)
                if case .fail = decision {
                    throw error(from: response, request: request, clientRequestID: clientRequestID, attempts: attempt)
                }
                if case .retry(let delay) = decision,
                    clock.now() + delay - start > retry.maxElapsedSeconds || attempt >= retry.maxAttempts
                {
                    throw error(from: response, request: request, clientRequestID: clientRequestID, attempts: attempt)
                }
            case .failure(let failure):
                logger.debug(
                    "ARM request failed in transport",
                    metadata: [
                        "operation": "\(request.operation)", "x-ms-client-request-id": "\(clientRequestID)",
                        "attempt": "\(attempt)", "error": "\(failure.message)",
                        "elapsed-ms": "\(Int(elapsed * 1000))",
                    ])
                let giveUp = ARMError(
                    code: failure.isTimeout ? .timeout : .transport, operation: request.operation,
                    resource: request.resource, message: failure.message, clientRequestID: clientRequestID,
                    attempts: attempt
                )
                guard request.idempotent else { throw giveUp }
                let delay = retry.backoff(afterAttempt: attempt, unit: jitter.unit())
                if clock.now() + delay - start > retry.maxElapsedSeconds || attempt >= retry.maxAttempts {
                    throw giveUp
                }
                decision = .retry(delay)
            }
            if case .retry(let delay) = decision {
                logger.trace(
                    "retrying ARM request",
                    metadata: [
                        "operation": "\(request.operation)", "attempt": "\(attempt)",
                        "delay-ms": "\(Int(delay * 1000))",
                    ])
                try await clock.sleep(seconds: delay)
            }
        }
    }

    enum RetryDecision {
        case retry(Double)
        case fail
    }

    /// Whether and when to retry an unsuccessful response.
    func retryDecision(for response: TransportResponse, request: ARMRequest, attempt: Int) -> RetryDecision {
        let retry = configuration.retry
        let requested = requestedRetryDelay(response)
        switch response.status {
        case 429:
            // Throttled requests were not processed, so even non-idempotent ones may be repeated.
            let base = requested ?? retry.defaultThrottleDelaySeconds
            return .retry(base + jitter.unit() * min(1, retry.baseDelaySeconds))
        case 409:
            guard errorBody(response).code == "PessimisticConcurrencyConflict" else { return .fail }
            let backoff = retry.backoff(afterAttempt: attempt, unit: jitter.unit())
            return .retry(max(backoff, requested ?? 0))
        case 408, 500, 502, 503, 504:
            guard request.idempotent else { return .fail }
            let backoff = retry.backoff(afterAttempt: attempt, unit: jitter.unit())
            return .retry(max(backoff, requested ?? 0))
        default:
            return .fail
        }
    }

    // MARK: Responses and errors

    func makeResponse(_ response: TransportResponse, clientRequestID: String) -> ARMResponse {
        var headers: [String: String] = [:]
        for (name, value) in response.headers where headers[name.lowercased()] == nil {
            headers[name.lowercased()] = value
        }
        var body: JSONValue?
        if !response.body.isEmpty, isJSON(response) {
            body = try? JSONValue.parse(response.body)
        }
        return ARMResponse(
            status: response.status, etag: headers["etag"], body: body, requestID: headers["x-ms-request-id"],
            clientRequestID: clientRequestID, headers: headers, rawBody: response.body
        )
    }

    private func isJSON(_ response: TransportResponse) -> Bool {
        if let type = response.header("content-type")?.lowercased() { return type.contains("json") }
        let first = response.body.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// ARM's `error.code` and `error.message` (plus details), if the body is an error envelope.
    func errorBody(_ response: TransportResponse) -> (code: String?, message: String?) {
        guard !response.body.isEmpty, let json = try? JSONValue.parse(response.body) else { return (nil, nil) }
        return Self.errorFields(json["error"] ?? json)
    }

    static func errorFields(_ error: JSONValue) -> (code: String?, message: String?) {
        let code = error["code"]?.stringValue
        var message = error["message"]?.stringValue
        if let details = error["details"]?.arrayValue, !details.isEmpty {
            let parts = details.compactMap { detail -> String? in
                guard let text = detail["message"]?.stringValue else { return nil }
                if let target = detail["target"]?.stringValue, !target.isEmpty { return "\(target): \(text)" }
                return text
            }
            if !parts.isEmpty { message = (message.map { $0 + " " } ?? "") + parts.joined(separator: "; ") }
        }
        return (code, message)
    }

    func error(
        from response: TransportResponse, request: ARMRequest, clientRequestID: String, attempts: Int
    )
        -> ARMError
    {
        let fields = errorBody(response)
        var message = fields.message
        if message == nil {
            let text = String(decoding: response.body.prefix(300), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty ? HTTPStatusText.reason(response.status) : text
        }
        return ARMError(
            code: ARMError.code(forStatus: response.status), operation: request.operation,
            resource: request.resource, status: response.status, armCode: fields.code,
            message: message ?? "", requestID: response.header("x-ms-request-id"),
            clientRequestID: clientRequestID, attempts: attempts
        )
    }

    private func log(
        _ request: ARMRequest, response: TransportResponse, clientRequestID: String, attempt: Int,
        seconds: Double, waited: Double
    ) {
        logger.debug(
            "ARM request",
            metadata: [
                "method": "\(request.method)", "operation": "\(request.operation)",
                "status": "\(response.status)", "x-ms-request-id": "\(response.header("x-ms-request-id") ?? "-")",
                "x-ms-client-request-id": "\(clientRequestID)", "attempt": "\(attempt)",
                "elapsed-ms": "\(Int(seconds * 1000))", "paced-ms": "\(Int(waited * 1000))",
            ])
    }
}

/// Reason phrases for statuses that arrive without a body.
enum HTTPStatusText {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "HTTP \(status)"
        }
    }
}
