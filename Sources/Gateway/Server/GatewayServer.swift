import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Request context that keeps the caller's address (`context.Request.IpAddress`, `ip-filter`).
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Adapts Hummingbird requests to ``GatewayFront`` and back.
struct GatewayResponder: HTTPResponder {
    typealias Context = GatewayRequestContext
    let front: GatewayFront

    func respond(to request: Request, context: Context) async throws -> Response {
        let target = request.head.path ?? "/"
        var headers = HeaderFields()
        for field in request.headers { headers.append(field.name.canonicalName, field.value) }
        let body = try await request.body.collect(upTo: 32 * 1024 * 1024)
        let host = request.head.authority ?? headers["Host"] ?? "localhost"
        let client = context.remoteAddress?.ipAddress ?? "127.0.0.1"
        let gatewayRequest = GatewayRequest(
            method: request.method.rawValue, target: target, headers: headers, body: Array(body.readableBytesView),
            clientIP: client.hasPrefix("::ffff:") ? String(client.dropFirst(7)) : client,
            host: host.split(separator: ":").first.map(String.init) ?? host)
        let answer = await front.respond(gatewayRequest)
        var fields = HTTPFields()
        for field in answer.headers {
            if let name = HTTPField.Name(field.name) { fields.append(HTTPField(name: name, value: field.value)) }
        }
        fields[.contentLength] = String(answer.body.count)
        return Response(
            status: HTTPResponse.Status(code: answer.status, reasonPhrase: answer.reason), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// A local gateway listening on a port.
public final class RunningGateway: Sendable {
    public let port: Int
    /// `http://HOST:PORT`.
    public let baseURL: String
    public let front: GatewayFront
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(port: Int, host: String, front: GatewayFront, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        baseURL = "http://\(host):\(port)"
        self.front = front
        self.group = group
        self.task = task
    }

    /// Stops the server and waits for it.
    public func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

/// Starts the local gateway's HTTP front.
public enum GatewayServer {
    /// The Hummingbird application, to run beside the management emulator (`apimsync emulator --gateway-port`).
    public static func application(
        _ front: GatewayFront, host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "apimsync.gateway")
        logger.logLevel = .warning
        return Application(
            responder: GatewayResponder(front: front),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Starts the gateway in-process; returns once it listens (port 0 binds an ephemeral port).
    public static func start(
        _ front: GatewayFront, host: String = "127.0.0.1", port: Int = 0
    ) async throws
        -> RunningGateway
    {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = application(front, host: host, port: port) { continuation.yield($0) }
        var logger = Logger(label: "apimsync.gateway")
        logger.logLevel = .warning
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var bound: Int?
        for await value in stream {
            bound = value
            break
        }
        guard let bound else {
            try await task.value
            throw GatewayStartError(message: "the gateway stopped before it listened on \(host):\(port)")
        }
        return RunningGateway(port: bound, host: host, front: front, group: group, task: task)
    }
}

/// The gateway could not start listening.
public struct GatewayStartError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
