import Emulator
import Foundation
import Logging
import ManagementClient
import Model
import Planner
import Prometheus
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Controller

/// The controller against the in-process emulator: cycles correct drift (or only report it), stall on invalid
/// manifests, back off on failures, and serve status, readiness and metrics.
@Suite(.timeLimit(.minutes(1))) struct ControllerTests {
    static let localTarget = Target.emulator(stateFile: ".apimsync/local-state.json")

    static func cycle(
        _ lab: LabHarness, settings: ControllerSettings = ControllerSettings(checkSecrets: false),
        client: ARMClient? = nil
    ) -> ReconcileCycle {
        ReconcileCycle(
            configPath: lab.configPath, environment: "local", target: localTarget, client: client ?? lab.client,
            settings: settings, placeholderSecrets: true, source: nil)
    }

    @Test func cyclesApplyThenCorrectDrift() async throws {
        try await Self.withLab { lab in
            let cycle = Self.cycle(lab)

            let first = await cycle.run()
            #expect(first.result == .inSync)
            #expect(first.planned > 0 && first.applied == first.planned)
            let second = await cycle.run()
            #expect(second.result == .inSync && second.planned == 0 && second.applied == 0)

            let id = try await lab.driftFirstBackend()
            let corrected = await cycle.run()
            #expect(corrected.result == .inSync)
            #expect(corrected.planned == 1 && corrected.applied == 1)
            let live = try await lab.client.get(id)
            #expect(live.properties?["url"]?.stringValue != "https://drifted.example.com/openai")
            #expect(await cycle.run().planned == 0)
        }
    }

    @Test func aCycleHeldBackByItsReadBudgetSaysSoInItsStatus() async throws {
        try await Self.withLab { lab in
            _ = await Self.cycle(lab).run()
            let unpaced = await Self.cycle(lab).run()
            #expect(unpaced.result == .inSync && !unpaced.budgetBound)
            #expect(unpaced.json["budgetBound"] == .bool(false))

            // A share so small that nearly every read of the cycle waits for its token (2.5 reads, then 1 per 4 s).
            var configuration = lab.client.configuration
            configuration.pacing.buckets = PacingPolicy.armSubscriptionLimits
            configuration.pacing.apply(concurrency: nil, readBudgetShare: 0.01)
            let paced = try ARMClient(
                configuration: configuration, credential: StaticTokenCredential(token: "test-token"),
                clock: InstantARMClock())
            let settings = ControllerSettings(checkSecrets: false, readBudgetShare: 0.01)
            let report = await Self.cycle(lab, settings: settings, client: paced).run()

            #expect(report.result == .inSync && report.planned == 0)
            #expect(report.budgetBound)
            #expect(report.readBudgetHeldSeconds >= 5, "every read after the first waits about a second")
            #expect(report.json["budgetBound"] == .bool(true))
            #expect(report.messages.contains { $0.hasPrefix("budget-bound: the read budget (1% of") })
        }
    }

    @Test func detectModeReportsDriftAndWritesNothing() async throws {
        try await Self.withLab { lab in
            _ = await Self.cycle(lab).run()
            let id = try await lab.driftFirstBackend()
            let writes = await lab.writes()

            let report = await Self.cycle(lab, settings: ControllerSettings(mode: .detect, checkSecrets: false)).run()

            #expect(report.result == .driftDetected)
            #expect(report.planned == 1 && report.applied == 0)
            #expect(report.changes == ["update \(id)"])
            #expect(report.json["changes"] == .array([.string("update \(id)")]))
            #expect(await lab.writes() == writes)
            let live = try await lab.client.get(id)
            #expect(live.properties?["url"]?.stringValue == "https://drifted.example.com/openai")
        }
    }

    @Test func invalidManifestsStallWithTheirLocationAndReadNothing() async throws {
        try await Self.withLab { lab in
            try lab.edit("apimsync.yaml", replacing: "maxDeletes: 10", with: "maxDeletes: ten")
            let before = await lab.emulator.stats().totalRequests

            let report = await Self.cycle(lab).run()

            #expect(report.result == .stalled)
            #expect(report.messages.contains { $0.contains("apimsync.yaml:") && $0.contains("maxDeletes") })
            #expect(await lab.emulator.stats().totalRequests == before)
        }
    }

    @Test func aFailedReadFailsTheCycleWithoutWriting() async throws {
        var options = EmulatorOptions()
        options.faults = try FaultSpec(parsing: "GET:500@backends=1")
        try await Self.withLab(options) { lab in
            let client = try Self.singleAttemptClient(lab, options)

            let report = await Self.cycle(lab, client: client).run()

            #expect(report.result == .failed)
            #expect(report.messages.contains { $0.contains("backends") })
            #expect(await lab.writes() == 0)
        }
    }

    /// With a fifth of requests failing (seeded 429s, 503s and dropped connections), the client's retries carry
    /// each cycle through; whatever a cycle cannot finish, the next one does, and then nothing is left to do.
    @Test func cyclesConvergeWhileAFifthOfRequestsFail() async throws {
        var options = EmulatorOptions()
        options.faults = try FaultSpec(parsing: "429=0.1,503=0.05,drop=0.05")
        options.seed = 20_261_125
        try await Self.withLab(options) { lab in
            var retry = RetryPolicy.default
            retry.baseDelaySeconds = 0.005
            retry.maxDelaySeconds = 0.02
            retry.defaultThrottleDelaySeconds = 0.01
            let client = try ARMClient(
                configuration: ARMClientConfiguration(
                    resourceManagerURL: lab.emulator.baseURL, subscriptionID: options.subscriptionId,
                    resourceGroup: options.resourceGroup, serviceName: options.serviceName, retry: retry,
                    pollingIntervalSeconds: 0.01, minimumPollingIntervalSeconds: 0.01),
                credential: StaticTokenCredential(token: "test-token"))
            let cycle = Self.cycle(lab, client: client)
            var reports: [CycleReport] = []
            while reports.last.map({ $0.result != .inSync || $0.planned > 0 }) ?? true, reports.count < 5 {
                reports.append(await cycle.run())
            }
            #expect(reports.last?.result == .inSync && reports.last?.planned == 0, "\(reports.map(\.messages))")
            #expect(await lab.emulator.stats().faultsInjected > 10)
        }
    }

    /// A graceful shutdown that arrives while a cycle is applying lets that cycle finish: nothing is left half done.
    @Test func aShutdownDuringACycleLetsTheCycleFinish() async throws {
        var options = EmulatorOptions()
        options.latency = LatencySpec(meanMilliseconds: 20)
        try await Self.withLab(options) { lab in
            let settings = ControllerSettings(interval: .seconds(60), checkSecrets: false)
            let loop = ReconcileLoop(
                cycle: Self.cycle(lab, settings: settings), target: "test emulator",
                metricsFactory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()), random: { 0.5 })
            let (group, running) = Self.start(loop)
            // The first cycle applies the whole lab, one request at a time per dependency level: well over 20 ms.
            try await Eventually.waitUntil { await lab.writes() > 0 }
            #expect(await loop.status.phase == .reconciling)
            await group.triggerGracefulShutdown()
            try await running.value

            let report = try #require(await loop.status.lastReport)
            #expect(await loop.status.cycles == 1)
            #expect(report.result == .inSync && report.planned > 0 && report.applied == report.planned)
            #expect(try await lab.plan().0.changes.isEmpty)
        }
    }

    @Test func backoffDoublesAfterFailuresUpToTheIntervalWithBoundedJitter() {
        let schedule = ReconcileSchedule(
            settings: ControllerSettings(interval: .seconds(60), jitter: 0.1, retryBackoff: .seconds(5)))
        #expect(schedule.delay(consecutiveFailures: 0, unit: 0.5) == .seconds(60))
        #expect(schedule.delay(consecutiveFailures: 0, unit: 0) == .seconds(54))
        #expect(schedule.delay(consecutiveFailures: 0, unit: 1) == .seconds(66))
        let failures = (1...6).map { schedule.delay(consecutiveFailures: $0, unit: 0.5) }
        #expect(failures == [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)])
        #expect(schedule.delay(consecutiveFailures: 1000, unit: 0.5) == .seconds(60))
    }

    @Test func aTriggerPulledDuringACycleEndsTheNextWaitAtOnce() async {
        let trigger = CycleTrigger()
        await trigger.pull()
        #expect(await trigger.wait(upTo: .seconds(3600)))  // returns at once: the pull was kept
        let waiting = Task { await trigger.wait(upTo: .seconds(3600)) }
        while await !trigger.isWaiting { await Task.yield() }
        await trigger.pull()
        #expect(await waiting.value)
        // A short wait ends by its own timer, and says so.
        #expect(await !trigger.wait(upTo: .milliseconds(10)))
    }

    /// The loop and its endpoints as `apimsync controller` runs them, on port 0. The interval is a minute, so
    /// only the POST can start the cycle that corrects the drift.
    @Test func endpointsServeStatusReadinessMetricsAndTriggers() async throws {
        try await Self.withLab { lab in
            let settings = ControllerSettings(
                interval: .seconds(60), jitter: 0, checkSecrets: false, minimumTriggerGap: .milliseconds(300))
            let registry = PrometheusCollectorRegistry()
            let loop = ReconcileLoop(
                cycle: Self.cycle(lab, settings: settings), target: "test emulator",
                metricsFactory: PrometheusMetricsFactory(registry: registry), random: { 0.5 })
            let (ports, port) = AsyncStream<Int>.makeStream()
            let endpoints = ControllerEndpoints.application(
                host: "127.0.0.1", port: 0, loop: loop, registry: registry, onListening: { port.yield($0) })
            let (group, running) = Self.start(loop, alongside: endpoints)
            var iterator = ports.makeAsyncIterator()
            let base = "http://127.0.0.1:\(try #require(await iterator.next()))"

            try await Eventually.waitUntil { await loop.status.cycles >= 1 }
            let first = try #require(await loop.status.lastReport)
            #expect(try await TestTools.get(base + "/healthz").status == 200)
            #expect(try await TestTools.get(base + "/readyz").status == 200)
            let status = try JSONValue.parse(Array(try await TestTools.get(base + "/status").body))
            #expect(status["phase"]?.stringValue == "Ready")
            #expect(status["lastCycle"]?["result"]?.stringValue == "InSync")
            let metrics = String(decoding: try await TestTools.get(base + "/metrics").body, as: UTF8.self)
            #expect(metrics.contains("apimsync_reconcile_cycles_total{result=\"InSync\"}"))
            #expect(metrics.contains("apimsync_changes_applied_total"))
            for text in [metrics, status.serialized()] { #expect(!text.contains("emulator-placeholder")) }

            // Drift is corrected by the next cycle; a POST starts it without waiting for the interval.
            let id = try await lab.driftFirstBackend()
            let trigger = try await AsyncHTTPTransport.shared.send(
                TransportRequest(method: "POST", url: base + "/reconcile"), timeout: .seconds(5))
            #expect(trigger.status == 202)
            try await Eventually.waitUntil {
                (try? await lab.client.get(id).properties?["url"]?.stringValue) != "https://drifted.example.com/openai"
            }
            // Requested cycles keep their distance: this one started no sooner than 300 ms after the first ended.
            // (The correction lands mid-cycle; the report is recorded when the cycle ends.)
            try await Eventually.waitUntil { await loop.status.cycles >= 2 }
            let second = try #require(await loop.status.lastReport)
            #expect(
                second.startedAt.timeIntervalSince(first.startedAt) >= first.seconds + 0.3 - 0.01,
                "\(first.startedAt) + \(first.seconds) s, then \(second.startedAt)")

            await group.triggerGracefulShutdown()
            try await running.value
        }
    }

    @Test func failingCyclesBackOffAndLeaveTheControllerUnready() async throws {
        var options = EmulatorOptions()
        options.faults = try FaultSpec(parsing: "GET:500@backends=1")
        try await Self.withLab(options) { lab in
            let client = try Self.singleAttemptClient(lab, options)
            let settings = ControllerSettings(
                interval: .seconds(60), jitter: 0, retryBackoff: .milliseconds(20), checkSecrets: false)
            let clock = RecordingControllerClock()
            let loop = ReconcileLoop(
                cycle: Self.cycle(lab, settings: settings, client: client), target: "test emulator",
                metricsFactory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()), random: { 0.5 },
                clock: clock)
            let (group, running) = Self.start(loop)
            let status = loop.status

            try await Eventually.waitUntil { await status.consecutiveFailures >= 4 }
            #expect(await status.phase == .failed)
            #expect(await !status.isReady)
            #expect(await lab.writes() == 0)
            // 20, 40, 80 ms between the first four failures: backing off, well inside the 60 s interval.
            #expect(Array(clock.waits.prefix(3)) == [.milliseconds(20), .milliseconds(40), .milliseconds(80)])

            await group.triggerGracefulShutdown()
            try await running.value
        }
    }

    @Test func aGitSourceIsPulledBeforeEachCycleAndItsRevisionReported() async throws {
        try await Self.withLab { lab in
            let origin = lab.root.appendingPathComponent("manifests").path
            let clone = lab.root.appendingPathComponent("clone").path
            try await TestTools.git(["-C", origin, "init", "-q", "-b", "main"])
            try await TestTools.git(["-C", origin, "add", "-A"])
            try await TestTools.git(["-C", origin, "commit", "-q", "-m", "lab"])
            try await TestTools.git(["clone", "-q", origin, clone])
            let directory = clone + "/examples/plain"
            let cycle = ReconcileCycle(
                configPath: directory + "/apimsync.yaml", environment: "local", target: Self.localTarget,
                client: lab.client, settings: ControllerSettings(checkSecrets: false), placeholderSecrets: true,
                source: RepositorySource(directory: directory, pull: true))

            let first = await cycle.run()
            #expect(first.result == .inSync)
            #expect(first.revision == (try await TestTools.git(["-C", origin, "rev-parse", "HEAD"])))

            try "# notes\n".write(toFile: origin + "/NOTES.md", atomically: true, encoding: .utf8)
            try await TestTools.git(["-C", origin, "add", "NOTES.md"])
            try await TestTools.git(["-C", origin, "commit", "-q", "-m", "notes"])
            let head = try await TestTools.git(["-C", origin, "rev-parse", "HEAD"])
            let second = await cycle.run()
            #expect(second.revision == head && head != first.revision)
            #expect(FileManager.default.fileExists(atPath: clone + "/NOTES.md"))

            let broken = ReconcileCycle(
                configPath: lab.configPath, environment: "local", target: Self.localTarget, client: lab.client,
                settings: ControllerSettings(checkSecrets: false), placeholderSecrets: true,
                source: RepositorySource(directory: lab.root.appendingPathComponent("nowhere").path, pull: true))
            let failed = await broken.run()
            #expect(failed.result == .failed)
            #expect(failed.messages.first?.contains("git pull --ff-only --quiet exited with") == true)
        }
    }

    /// Runs `body` with a fresh lab and stops its emulator afterwards, also when `body` throws.
    static func withLab(
        _ options: EmulatorOptions = EmulatorOptions(), _ body: (LabHarness) async throws -> Void
    ) async throws {
        try await LabHarness.with(options: options, body)
    }

    /// Runs `loop` (and `other`, e.g. its endpoints) as `apimsync controller` does: the group stops when the loop
    /// ends.
    static func start(
        _ loop: ReconcileLoop, alongside other: (any Service)? = nil
    ) -> (ServiceGroup, Task<Void, any Error>) {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if let other { services.append(.init(service: other)) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        return (group, Task { try await group.run() })
    }

    /// A client that sends each request once, so an injected permanent fault fails a cycle at once.
    static func singleAttemptClient(_ lab: LabHarness, _ options: EmulatorOptions) throws -> ARMClient {
        var retry = RetryPolicy.default
        retry.maxAttempts = 1
        let configuration = ARMClientConfiguration(
            resourceManagerURL: lab.emulator.baseURL, subscriptionID: options.subscriptionId,
            resourceGroup: options.resourceGroup, serviceName: options.serviceName, retry: retry)
        return try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: "test-token"))
    }
}

/// A controller clock that records each wait asked for and returns at once (after letting others run).
final class RecordingControllerClock: ControllerClock {
    private let recorded = Mutex<[Duration]>([])

    var waits: [Duration] { recorded.withLock { $0 } }

    func sleep(for duration: Duration) async throws {
        recorded.withLock { $0.append(duration) }
        await Task.yield()
        try Task.checkCancellation()
    }
}
