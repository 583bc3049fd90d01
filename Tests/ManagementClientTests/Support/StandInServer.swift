import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A request as a stand-in server saw it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: String
    var headers: [String: String]
    var body: [UInt8]
    /// `http://127.0.0.1:PORT` of the server that received it, for building absolute links.
    var baseURL: String

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// A header by name (case-insensitive).
    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The query items, decoded.
    var queryItems: [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0].removingPercentEncoding ?? parts[0]
            items[key] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        }
        return items
    }

    /// The form fields of an `application/x-www-form-urlencoded` body.
    var formFields: [String: String] {
        var fields: [String: String] = [:]
        for pair in bodyText.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? parts[0]
            let value = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            fields[key] = value.removingPercentEncoding ?? value
        }
        return fields
    }
}

/// What a stand-in answers.
struct StubResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: String = ""

    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> StubResponse {
        StubResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }
}

/// Everything a stand-in server received.
actor RequestRecorder {
    private(set) var requests: [RecordedRequest] = []
    func record(_ request: RecordedRequest) { requests.append(request) }
    var count: Int { requests.count }
}

/// A Hummingbird server on 127.0.0.1, port 0, answering every request with a closure.
final class StandInServer: Sendable {
    let port: Int
    let recorder: RequestRecorder
    private let task: Task<Void, any Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, recorder: RequestRecorder, task: Task<Void, any Error>) {
        self.port = port
        self.recorder = recorder
        self.task = task
    }

    var requests: [RecordedRequest] { get async { await recorder.requests } }

    static func start(
        _ handler: @escaping @Sendable (RecordedRequest) async -> StubResponse
    ) async throws -> StandInServer {
        let recorder = RequestRecorder()
        let boundPort = Mutex(0)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let buffer = try await request.body.collect(upTo: 16 * 1024 * 1024)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let recorded = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                headers: headers, body: Array(buffer.readableBytesView),
                baseURL: "http://127.0.0.1:\(boundPort.withLock { $0 })")
            await recorder.record(recorded)
            let stub = await handler(recorded)
            var fields = HTTPFields()
            for (name, value) in stub.headers {
                if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: stub.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(string: stub.body)))
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        var quiet = Logger(label: "stand-in")
        quiet.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: quiet)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw StandInError.noPort
        }
        boundPort.withLock { $0 = port }
        return StandInServer(port: port, recorder: recorder, task: task)
    }

    func shutdown() async {
        task.cancel()
        _ = await task.result
    }
}

enum StandInError: Error { case noPort }

/// A scripted sequence of answers: each call takes the next one; the last repeats.
actor Script {
    private var responses: [StubResponse]
    init(_ responses: [StubResponse]) { self.responses = responses }
    func next() -> StubResponse {
        responses.count > 1 ? responses.removeFirst() : (responses.first ?? StubResponse(status: 500))
    }
}
