import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// Request context that keeps the connection's channel, so that a `drop` fault can close it unanswered.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    public var maxUploadSize: Int { 32 * 1024 * 1024 }
}

/// Adapts Hummingbird requests to the store and back.
struct EmulatorResponder: HTTPResponder {
    typealias Context = EmulatorRequestContext
    let store: EmulatorStore
    /// `http` or `https`: the scheme of the links (`nextLink`, `Location`, `Azure-AsyncOperation`) it answers with.
    var scheme = "http"

    /// A dropped connection: the channel is closed before any response is written.
    struct DroppedConnection: Error {}

    func respond(to request: Request, context: Context) async throws -> Response {
        let target = request.head.path ?? "/"
        let (path, query) = EmuRequest.split(target)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + ", " + field.value
            } else {
                headers[name] = field.value
            }
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let host = request.head.authority ?? headers["host"] ?? "127.0.0.1"
        let emuRequest = EmuRequest(
            method: request.method.rawValue, rawPath: EmuRequest.decode(path, plusAsSpace: false), query: query,
            headers: headers, body: Array(buffer.readableBytesView), origin: "\(scheme)://\(host)")
        let answer = await store.handle(emuRequest)
        if answer.delayMilliseconds > 0 {
            try? await Task.sleep(for: .microseconds(Int(answer.delayMilliseconds * 1000)))
        }
        if answer.drop {
            try? await context.channel.close()
            throw DroppedConnection()
        }
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let isHead = request.method == .head
        if answer.body.isEmpty || isHead {
            if !isHead { fields[.contentLength] = "0" }
            return Response(status: .init(code: answer.status), headers: fields, body: ResponseBody())
        }
        return Response(
            status: .init(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// An emulator running in-process.
public final class RunningEmulator: Sendable {
    public let port: Int
    /// `http://HOST:PORT`.
    public let baseURL: String
    /// `https://HOST:PORT` of the HTTPS listener, when the options asked for one (``EmulatorOptions/tls``).
    public let tlsBaseURL: String?
    /// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}`.
    public let servicePath: String
    let store: EmulatorStore
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(
        port: Int, tlsPort: Int?, host: String, store: EmulatorStore, servicePath: String, group: ServiceGroup,
        task: Task<Void, any Error>
    ) {
        self.port = port
        self.baseURL = "http://\(EmulatorServer.urlHost(host)):\(port)"
        self.tlsBaseURL = tlsPort.map { "https://\(EmulatorServer.urlHost(host)):\($0)" }
        self.store = store
        self.servicePath = servicePath
        self.group = group
        self.task = task
    }

    /// Stops the server gracefully (open connections are finished) and waits for it.
    public func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    public func stats() async -> EmulatorStats { await store.currentStats() }

    /// The state as applied so far, for a data plane beside the emulator.
    public var liveState: EmulatorLiveState { EmulatorLiveState(store: store) }

    /// The requests answered so far and their answers, oldest first (empty unless
    /// ``EmulatorOptions/recordRequests`` is set).
    public func requests() async -> [EmulatorExchange] { await store.recordedRequests() }

    /// Back to a fresh developer-SKU service (and zero counters).
    public func reset() async { await store.reset() }

    /// Switches ARM's token buckets on (`spec`, each bucket full) or off (`nil`) without touching the entities: a
    /// benchmark populates an instance fast, then measures under the limits.
    public func setThrottling(_ spec: ThrottlingSpec?) async { await store.setThrottling(spec) }
}

/// Starts emulators.
public enum EmulatorServer {
    /// Which listener bound which port.
    public enum Listener: Sendable, Equatable {
        case http(port: Int)
        case https(port: Int)
    }

    /// Starts an emulator in-process; returns once it is listening (port 0 binds an ephemeral port), on both
    /// listeners when ``EmulatorOptions/tls`` is set.
    public static func start(_ options: EmulatorOptions) async throws -> RunningEmulator {
        let store = try EmulatorStore(options: options)
        let (stream, continuation) = AsyncStream<Listener>.makeStream()
        let services = try applications(store: store, options: options) { continuation.yield($0) }
        var logger = Logger(label: "apimsync.emulator")
        logger.logLevel = .warning
        let group = ServiceGroup(services: services, logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var port: Int?
        var tlsPort: Int?
        for await listener in stream {
            switch listener {
            case .http(let bound): port = bound
            case .https(let bound): tlsPort = bound
            }
            if port != nil, tlsPort != nil || options.tls == nil { break }
        }
        guard let port, tlsPort != nil || options.tls == nil else {
            // The server stopped before listening: surface its error.
            try await task.value
            throw EmulatorSpecError(
                "the emulator stopped before it started listening on \(options.host):\(options.port)")
        }
        return RunningEmulator(
            port: port, tlsPort: tlsPort, host: options.host, store: store, servicePath: options.servicePath,
            group: group, task: task)
    }

    /// Runs an emulator until SIGINT/SIGTERM (the `apimsync emulator` command); `onListening` hears of each
    /// listener as it binds.
    ///
    /// - Parameter companions: services run beside the emulator and stopped with it, given its live state (the
    ///   local gateway of `--gateway-port`).
    public static func run(
        _ options: EmulatorOptions, companions: (EmulatorLiveState) async throws -> [any Service] = { _ in [] },
        onListening: @escaping @Sendable (Listener) -> Void
    ) async throws {
        let store = try EmulatorStore(options: options)
        var logger = Logger(label: "apimsync.emulator")
        logger.logLevel = .warning
        let services =
            try applications(store: store, options: options, onListening: onListening)
            + (try await companions(EmulatorLiveState(store: store)))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The Hummingbird application, for `HummingbirdTesting` router tests (`app.test(.router) { … }`).
    public static func application(_ options: EmulatorOptions) throws -> some ApplicationProtocol {
        let store = try EmulatorStore(options: options)
        return application(store: store, options: options, server: .http1(), scheme: "http") { _ in }
    }

    /// The listeners of one emulator: plain HTTP, and HTTPS too when the options carry a certificate. Both serve
    /// the same store.
    static func applications(
        store: EmulatorStore, options: EmulatorOptions, onListening: @escaping @Sendable (Listener) -> Void
    ) throws -> [any Service] {
        var services: [any Service] = [
            application(store: store, options: options, server: .http1(), scheme: "http") {
                onListening(.http(port: $0))
            }
        ]
        if let certificate = options.tls {
            var tlsOptions = options
            tlsOptions.port = options.tlsPort
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: certificate.der, format: .der))],
                privateKey: .privateKey(
                    try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)))
            services.append(
                application(
                    store: store, options: tlsOptions, server: try .tls(.http1(), tlsConfiguration: configuration),
                    scheme: "https"
                ) { onListening(.https(port: $0)) })
        }
        return services
    }

    static func application(
        store: EmulatorStore, options: EmulatorOptions, server: HTTPServerBuilder, scheme: String,
        onListening: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "apimsync.emulator")
        logger.logLevel = .warning
        return Application(
            responder: EmulatorResponder(store: store, scheme: scheme), server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? options.port) },
            logger: logger)
    }

    /// A host as it goes in a URL: IPv6 addresses in brackets.
    static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
