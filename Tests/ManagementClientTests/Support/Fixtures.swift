import Foundation
import Logging
import ManagementClient
import Synchronization

extension RetryPolicy {
    /// Millisecond backoff so retry tests run fast. The request deadline is generous: on two cores a busy test run
    /// can hold a stand-in's answer for seconds, and a retry caused by that would break tests about other things.
    static let fast = RetryPolicy(
        maxAttempts: 6, maxElapsedSeconds: 60, baseDelaySeconds: 0.005, maxDelaySeconds: 0.04,
        defaultThrottleDelaySeconds: 0.01, requestTimeoutSeconds: 30)
}

enum Fixture {
    static let subscription = "00000000-0000-0000-0000-000000000001"
    static let resourceGroup = "rg-test"
    static let service = "apim-test"
    static let servicePath =
        "/subscriptions/\(subscription)/resourceGroups/\(resourceGroup)/providers/Microsoft.ApiManagement/service/\(service)"
    static let token = "test-bearer-token-4f1d2c"

    static func configuration(
        _ baseURL: String, retry: RetryPolicy = .fast, pacing: PacingPolicy = .unlimited(),
        longRunningTimeout: Double = 10
    ) -> ARMClientConfiguration {
        ARMClientConfiguration(
            resourceManagerURL: baseURL, subscriptionID: subscription, resourceGroup: resourceGroup,
            serviceName: service, retry: retry, pacing: pacing, longRunningTimeoutSeconds: longRunningTimeout,
            pollingIntervalSeconds: 0.01, minimumPollingIntervalSeconds: 0)
    }

    static func client(
        _ server: StandInServer, retry: RetryPolicy = .fast, pacing: PacingPolicy = .unlimited(),
        credential: any TokenCredential = StaticTokenCredential(token: Fixture.token),
        transport: any HTTPTransport = AsyncHTTPTransport.shared, logger: Logger? = nil,
        longRunningTimeout: Double = 10,
        clock: any ARMClock = SystemARMClock()
    ) throws -> ARMClient {
        try ARMClient(
            configuration: configuration(
                server.baseURL, retry: retry, pacing: pacing, longRunningTimeout: longRunningTimeout),
            credential: credential, transport: transport, jitter: JitterSource(seed: 42), clock: clock,
            logger: logger ?? Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Options whose every outside dependency points at nothing real (never IMDS, never a real `az`).
    static func credentialOptions(
        environment: [String: String] = [:], authority: String = "http://127.0.0.1:9",
        imds: String = "http://127.0.0.1:9", transport: any HTTPTransport = AsyncHTTPTransport.shared,
        azureCLIPath: String? = "/nonexistent/az", now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) -> CredentialOptions {
        CredentialOptions(
            cloud: .custom(resourceManager: "https://management.azure.com", authorityHost: authority),
            environment: environment, transport: transport, imdsEndpoint: imds, azureCLIPath: azureCLIPath,
            requestTimeoutSeconds: 30, imdsTimeoutSeconds: 5, azureCLITimeoutSeconds: 30, now: now, logger: logger)
    }
}

/// A clock tests move by hand.
final class ManualDate: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Every log line, rendered with its metadata.
final class LogStore: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var text: String { all.joined(separator: "\n") }
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    func logger(_ label: String = "capture") -> Logger {
        var logger = Logger(label: label, factory: { _ in CapturingLogHandler(store: self) })
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        for (key, value) in event.metadata ?? [:] { all[key] = value }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.append("\(event.level) \(event.message) \(rendered) \(event.error.map { "\($0)" } ?? "")")
    }
}

/// Wraps a transport: counts requests, and fails scripted attempts as if the connection dropped.
final class FlakyTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let failures: Mutex<Set<Int>>
    private let counter = Mutex(0)

    /// Fails the attempts numbered in `failing` (1-based, across all requests).
    init(_ inner: any HTTPTransport = AsyncHTTPTransport.shared, failing: Set<Int>) {
        self.inner = inner
        failures = Mutex(failing)
    }

    var sent: Int { counter.withLock { $0 } }

    func send(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse {
        let number = counter.withLock { value -> Int in
            value += 1
            return value
        }
        if failures.withLock({ $0.contains(number) }) {
            throw TransportError(message: "connection reset by peer (injected)")
        }
        return try await inner.send(request, timeout: timeout)
    }
}

/// Virtual time for the client: a wait returns at once and moves the clock on by what was asked, so tests check
/// how long the client chose to wait without spending it.
final class VirtualClock: ARMClock {
    private let state = Mutex((now: 0.0, slept: 0.0))

    /// Seconds of waiting asked for so far.
    var slept: Double { state.withLock { $0.slept } }

    func now() -> Double { state.withLock { $0.now } }

    func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        guard seconds > 0 else { return }
        state.withLock {
            $0.now += seconds
            $0.slept += seconds
        }
    }
}

/// A door a stand-in's handler waits behind until the test opens it: a response held for exactly as long as the
/// test needs, whatever the machine's load.
actor Gate {
    private var open = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if open { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func openDoor() {
        open = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// A clock whose waits last an hour unless cancelled, and which reports each wait as it begins, so a test can act
/// while the client is known to be waiting.
final class StallingClock: ARMClock {
    private let base = SystemARMClock()
    let waits: AsyncStream<Double>
    private let continuation: AsyncStream<Double>.Continuation

    init() {
        (waits, continuation) = AsyncStream<Double>.makeStream()
    }

    func now() -> Double { base.now() }

    func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return try Task.checkCancellation() }
        continuation.yield(seconds)
        try await Task.sleep(for: .seconds(3600))
    }
}
