import Foundation
import Model

/// What the controller is doing and how the last cycles went, in the spirit of Kubernetes' kstatus
/// (Ready / Reconciling / Stalled): read by the status, health and readiness endpoints.
public actor ControllerStatus {
    /// The controller's state as one word.
    public enum Phase: String, Sendable {
        /// No cycle has finished yet.
        case starting = "Starting"
        /// A cycle is running.
        case reconciling = "Reconciling"
        /// The last cycle left live APIM matching the manifests.
        case ready = "Ready"
        /// The last cycle found drift and, in detect mode, left it.
        case driftDetected = "DriftDetected"
        /// The last cycle failed; the next retries after a backoff.
        case failed = "Failed"
        /// The manifests are invalid or the plan is blocked: only a change to the repository helps.
        case stalled = "Stalled"
    }

    public private(set) var phase: Phase = .starting
    public private(set) var lastReport: CycleReport?
    public private(set) var lastSuccessAt: Date?
    public private(set) var consecutiveFailures = 0
    public private(set) var cycles = 0
    public private(set) var nextCycleAt: Date?
    let settings: ControllerSettings
    let target: String

    init(settings: ControllerSettings, target: String) {
        self.settings = settings
        self.target = target
    }

    /// Ready to serve as "this instance is managed": a cycle has read APIM and planned since start.
    public var isReady: Bool { lastSuccessAt != nil }

    func cycleStarted() {
        phase = .reconciling
        nextCycleAt = nil
    }

    func cycleFinished(_ report: CycleReport, next: Date) {
        cycles += 1
        lastReport = report
        nextCycleAt = next
        switch report.result {
        case .inSync:
            phase = .ready
            consecutiveFailures = 0
            lastSuccessAt = report.startedAt
        case .driftDetected:
            phase = .driftDetected
            consecutiveFailures = 0
            lastSuccessAt = report.startedAt
        case .failed:
            phase = .failed
            consecutiveFailures += 1
        case .stalled:
            phase = .stalled
            consecutiveFailures = 0
        }
    }

    /// The status document served at `/status`.
    public var json: JSONValue {
        func timestamp(_ date: Date?) -> JSONValue {
            date.map { .string($0.armTimestamp) } ?? .null
        }
        var object = JSONObject()
        object["phase"] = .string(phase.rawValue)
        object["ready"] = .bool(isReady)
        object["target"] = .string(target)
        object["mode"] = .string(settings.mode.rawValue)
        object["intervalSeconds"] = .number(settings.interval.inSeconds)
        object["cycles"] = .number(Double(cycles))
        object["consecutiveFailures"] = .number(Double(consecutiveFailures))
        object["lastSuccessAt"] = timestamp(lastSuccessAt)
        object["nextCycleAt"] = timestamp(nextCycleAt)
        object["lastCycle"] = lastReport?.json ?? .null
        return .object(object)
    }

}
