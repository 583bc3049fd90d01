import AsyncHTTPClient
import Foundation
import Model
import NIOCore
import NIOHTTP1

/// One HTTP request as the client sends it: method, absolute URL, headers and an optional body.
public struct TransportRequest: Sendable {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// The absolute URL, query included.
    public var url: String
    /// Header fields in sending order.
    public var headers: [(name: String, value: String)]
    /// The body bytes, if any.
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response: status, headers and the whole body.
public struct TransportResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields as received.
    public var headers: [(name: String, value: String)]
    /// The whole body.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// A failure below HTTP: connection refused or dropped, TLS failure, or no answer before the deadline.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    /// Whether the failure was the per-request deadline running out.
    public var isTimeout: Bool
    /// What went wrong, without request headers or bodies.
    public var message: String

    public init(isTimeout: Bool = false, message: String) {
        self.isTimeout = isTimeout
        self.message = message
    }

    public var description: String { message }
}

/// Sends one request and returns the whole response. The client's only door to the network, so tests can
/// wrap it (to count or break requests) and production uses ``AsyncHTTPTransport``.
///
/// Implementations throw `CancellationError` when the task is cancelled and ``TransportError`` for
/// network failures.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse
}

/// ``HTTPTransport`` over async-http-client, with certificate verification always on and redirects never
/// followed (a redirect must not carry the bearer token to another host).
public struct AsyncHTTPTransport: HTTPTransport {
    /// The largest response body accepted (32 MiB; API specifications can be large).
    public static let maximumBodySize = 32 * 1024 * 1024

    private let client: HTTPClient

    /// The process-wide transport over a client that lives for the whole process.
    public static let shared = AsyncHTTPTransport(client: sharedClient)

    /// A transport over a caller-owned client; the caller shuts it down.
    public init(client: HTTPClient) {
        self.client = client
    }

    public func send(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers {
            outgoing.headers.add(name: name, value: value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let nanoseconds = max(
            1, timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        let request = outgoing
        let client = self.client
        do {
            // async-http-client's own deadline does not always end a request that is still waiting for a
            // connection (a refused one is retried until the connect timeout), and a cancelled request can take
            // as long to unwind: the race answers at the deadline and leaves the abandoned request to finish.
            return try await DeadlineRace.run(deadline: timeout) {
                let response = try await client.execute(request, timeout: .nanoseconds(nanoseconds))
                var buffer = try await response.body.collect(upTo: Self.maximumBodySize)
                let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                return TransportResponse(
                    status: Int(response.status.code),
                    headers: response.headers.map { (name: $0.name, value: $0.value) },
                    body: bytes
                )
            }
        } catch let error as HTTPClientError {
            if Task.isCancelled || error == .cancelled { throw CancellationError() }
            if error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout {
                throw TransportError(isTimeout: true, message: "no response within \(Self.seconds(timeout))")
            }
            throw TransportError(message: "transport failure: \(error)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw TransportError(message: "transport failure: \(error)")
        }
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3gs", duration.inSeconds)
    }

    /// Lives for the whole process (never shut down), so no `deinit` check can trip on it.
    private static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        )
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
