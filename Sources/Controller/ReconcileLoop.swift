import CoreMetrics
import Foundation
import Logging
import Model
import ServiceLifecycle

/// The controller's loop as a swift-service-lifecycle `Service`: a cycle, then a wait (the interval, or a
/// backoff after a failure, jittered), until graceful shutdown. A cycle that has started is finished before
/// the loop stops, so a shutdown never leaves an apply half-done.
public struct ReconcileLoop: Service {
    let cycle: ReconcileCycle
    let schedule: ReconcileSchedule
    public let status: ControllerStatus
    let metrics: ControllerMetrics
    let trigger = CycleTrigger()
    let random: @Sendable () -> Double
    let logger: Logger
    let startGate: ListeningGate?
    let clock: any ControllerClock

    /// - Parameters:
    ///   - target: how the status names the APIM service.
    ///   - metricsFactory: where the metrics go (a `PrometheusMetricsFactory` in production).
    ///   - random: numbers in `[0, 1)` for the jitter; tests pass a fixed one.
    ///   - startGate: the first cycle waits until it opens (the endpoints listen); nil starts at once.
    ///   - clock: what the waits between cycles use; tests pass one that records them.
    public init(
        cycle: ReconcileCycle, target: String, metricsFactory: any MetricsFactory,
        logger: Logger = Logger(label: "apimsync.controller"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, startGate: ListeningGate? = nil,
        clock: any ControllerClock = SystemControllerClock()
    ) {
        self.startGate = startGate
        self.clock = clock
        self.cycle = cycle
        schedule = ReconcileSchedule(settings: cycle.settings)
        status = ControllerStatus(settings: cycle.settings, target: target)
        metrics = ControllerMetrics(factory: metricsFactory)
        self.random = random
        self.logger = logger
    }

    /// Starts a cycle now (or right after the one running), as a webhook from git would.
    public func reconcileNow() async {
        await trigger.pull()
    }

    public func run() async throws {
        if let startGate {
            await cancelWhenGracefulShutdown { await startGate.wait() }
            guard startGate.isOpen else { return }
        }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await status.cycleStarted()
            let report = await cycle.run()
            let failures = report.result == .failed ? await status.consecutiveFailures + 1 : 0
            let delay = schedule.delay(consecutiveFailures: failures, unit: random())
            let next = Date().addingTimeInterval(delay.inSeconds)
            await status.cycleFinished(report, next: next)
            metrics.record(report, consecutiveFailures: failures)
            log(report, delay: delay)
            let finished = ContinuousClock.now
            let requested = await cancelWhenGracefulShutdown { await trigger.wait(upTo: delay, clock: clock) }
            let rest = cycle.settings.minimumTriggerGap - finished.duration(to: .now)
            if requested, rest > .zero, !Task.isShuttingDownGracefully {
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: rest) }
            }
        }
        logger.info("controller stopped")
    }

    private func log(_ report: CycleReport, delay: Duration) {
        // Numbers stay numbers (`.stringConvertible`), so JSON logs write them as JSON numbers.
        var metadata: Logger.Metadata = [
            "result": "\(report.result.rawValue)", "planned": .stringConvertible(report.planned),
            "applied": .stringConvertible(report.applied), "failed": .stringConvertible(report.failed),
            "seconds": .stringConvertible((report.seconds * 100).rounded() / 100),
            "next_in_seconds": .stringConvertible((delay.inSeconds * 10).rounded() / 10),
        ]
        if let revision = report.revision { metadata["revision"] = "\(revision)" }
        if !report.changes.isEmpty { metadata["changes"] = .array(report.changes.map { .string($0) }) }
        switch report.result {
        case .inSync, .driftDetected: logger.info("cycle finished", metadata: metadata)
        case .failed, .stalled:
            metadata["messages"] = .array(report.messages.map { .string($0) })
            logger.warning("cycle finished", metadata: metadata)
        }
    }
}
