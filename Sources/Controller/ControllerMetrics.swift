import CoreMetrics
import Foundation

/// The controller's metrics through swift-metrics, on the factory it is given (Prometheus in `apimsync
/// controller`, so each controller in a test has its own registry).
struct ControllerMetrics: Sendable {
    private let cycles: [CycleReport.Result: Counter]
    private let duration: CoreMetrics.Timer
    private let planned: Gauge
    private let drift: Gauge
    private let unmanaged: Gauge
    private let applied: Counter
    private let failedChanges: Counter
    private let consecutiveFailures: Gauge
    private let lastSuccess: Gauge

    init(factory: any MetricsFactory) {
        var cycles: [CycleReport.Result: Counter] = [:]
        for result in [CycleReport.Result.inSync, .driftDetected, .failed, .stalled] {
            cycles[result] = Counter(
                label: "apimsync_reconcile_cycles_total", dimensions: [("result", result.rawValue)], factory: factory)
        }
        self.cycles = cycles
        duration = CoreMetrics.Timer(label: "apimsync_reconcile_duration_seconds", factory: factory)
        planned = Gauge(label: "apimsync_planned_changes", factory: factory)
        drift = Gauge(label: "apimsync_drifted_resources", factory: factory)
        unmanaged = Gauge(label: "apimsync_unmanaged_resources", factory: factory)
        applied = Counter(label: "apimsync_changes_applied_total", factory: factory)
        failedChanges = Counter(label: "apimsync_changes_failed_total", factory: factory)
        consecutiveFailures = Gauge(label: "apimsync_consecutive_failed_cycles", factory: factory)
        lastSuccess = Gauge(label: "apimsync_last_success_timestamp_seconds", factory: factory)
    }

    func record(_ report: CycleReport, consecutiveFailures failures: Int) {
        cycles[report.result]?.increment()
        duration.recordNanoseconds(Int64(report.seconds * 1e9))
        consecutiveFailures.record(failures)
        guard report.result != .stalled else { return }
        applied.increment(by: report.applied)
        failedChanges.increment(by: report.failed)
        if report.result == .inSync || report.result == .driftDetected {
            planned.record(report.planned)
            drift.record(report.planned - report.applied)
            unmanaged.record(report.unmanaged)
            lastSuccess.record(report.startedAt.timeIntervalSince1970)
        }
    }
}
