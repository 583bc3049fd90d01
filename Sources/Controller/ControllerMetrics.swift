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

    /// Each metric's name and its `# HELP` text on `/metrics` (``ControllerMetricsFactory``).
    enum Name: String, CaseIterable {
        case cycles = "apimsync_reconcile_cycles_total"
        case duration = "apimsync_reconcile_duration_seconds"
        case planned = "apimsync_planned_changes"
        case drift = "apimsync_drifted_resources"
        case unmanaged = "apimsync_unmanaged_resources"
        case applied = "apimsync_changes_applied_total"
        case failedChanges = "apimsync_changes_failed_total"
        case consecutiveFailures = "apimsync_consecutive_failed_cycles"
        case lastSuccess = "apimsync_last_success_timestamp_seconds"

        var help: String {
            switch self {
            case .cycles: "Reconcile cycles finished, by result (InSync, DriftDetected, Failed, Stalled)."
            case .duration: "Duration of reconcile cycles: load, read APIM, plan and apply."
            case .planned: "Changes the last successful cycle planned."
            case .drift: "Planned changes the last successful cycle left unapplied (detect mode: the drift)."
            case .unmanaged: "Live resources no manifest describes, as of the last successful cycle."
            case .applied: "Changes applied to APIM since the controller started."
            case .failedChanges: "Changes that failed to apply since the controller started."
            case .consecutiveFailures: "Cycles that failed in a row; 0 after a successful one."
            case .lastSuccess: "Unix time at which the last successful cycle started."
            }
        }
    }

    init(factory: any MetricsFactory) {
        var cycles: [CycleReport.Result: Counter] = [:]
        for result in [CycleReport.Result.inSync, .driftDetected, .failed, .stalled] {
            cycles[result] = Counter(
                label: Name.cycles.rawValue, dimensions: [("result", result.rawValue)], factory: factory)
        }
        self.cycles = cycles
        duration = CoreMetrics.Timer(label: Name.duration.rawValue, factory: factory)
        planned = Gauge(label: Name.planned.rawValue, factory: factory)
        drift = Gauge(label: Name.drift.rawValue, factory: factory)
        unmanaged = Gauge(label: Name.unmanaged.rawValue, factory: factory)
        applied = Counter(label: Name.applied.rawValue, factory: factory)
        failedChanges = Counter(label: Name.failedChanges.rawValue, factory: factory)
        consecutiveFailures = Gauge(label: Name.consecutiveFailures.rawValue, factory: factory)
        lastSuccess = Gauge(label: Name.lastSuccess.rawValue, factory: factory)
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
