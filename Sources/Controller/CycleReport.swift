import Foundation
import Model

/// What one reconcile cycle found and did.
public struct CycleReport: Sendable, Hashable {
    /// How a cycle ended.
    public enum Result: String, Sendable, Hashable {
        /// Live APIM matches the manifests (nothing to do, or every change applied).
        case inSync = "InSync"
        /// Drift found and left alone (detect mode).
        case driftDetected = "DriftDetected"
        /// The live read or some change failed; the next cycle retries after a backoff.
        case failed = "Failed"
        /// The manifests are invalid or the plan is blocked (e.g. prune.maxDeletes): retrying will not help
        /// until someone changes the repository.
        case stalled = "Stalled"
    }

    public var result: Result
    public var startedAt: Date
    public var seconds: Double
    /// The repository's revision (`git rev-parse HEAD`), when it is a git checkout.
    public var revision: String?
    /// Changes the plan contained: the drift, counted per resource.
    public var planned: Int
    public var applied: Int
    public var failed: Int
    public var skipped: Int
    /// Live resources no manifest describes, outside prune.
    public var unmanaged: Int
    /// What the plan found, as `create|update|delete <id>` (at most `CycleReport.changeLimit`): in detect mode, the
    /// drift to look at.
    public var changes: [String] = []

    /// Changes listed in a report; the counts stay exact.
    public static let changeLimit = 100
    /// Why the cycle failed or stalled, and warnings from the live read; never secret values.
    public var messages: [String]
    /// Wall time, in seconds, during which the client's read budget held requests of this cycle back.
    public var readBudgetHeldSeconds: Double = 0
    /// The read budget, not latency, set the cycle's pace: it held requests back for more than half the cycle.
    public var budgetBound = false

    public init(
        result: Result, startedAt: Date, seconds: Double = 0, revision: String? = nil, planned: Int = 0,
        applied: Int = 0, failed: Int = 0, skipped: Int = 0, unmanaged: Int = 0, messages: [String] = []
    ) {
        self.result = result
        self.startedAt = startedAt
        self.seconds = seconds
        self.revision = revision
        self.planned = planned
        self.applied = applied
        self.failed = failed
        self.skipped = skipped
        self.unmanaged = unmanaged
        self.messages = messages
    }

    /// The report as JSON, for the status endpoint and logs.
    public var json: JSONValue {
        var object = JSONObject()
        object["result"] = .string(result.rawValue)
        object["startedAt"] = .string(startedAt.armTimestamp)
        object["seconds"] = .number((seconds * 1000).rounded() / 1000)
        if let revision { object["revision"] = .string(revision) }
        object["planned"] = .number(Double(planned))
        object["applied"] = .number(Double(applied))
        object["failed"] = .number(Double(failed))
        object["skipped"] = .number(Double(skipped))
        object["unmanaged"] = .number(Double(unmanaged))
        object["changes"] = .array(changes.map(JSONValue.string))
        object["messages"] = .array(messages.map(JSONValue.string))
        object["readBudgetHeldSeconds"] = .number((readBudgetHeldSeconds * 1000).rounded() / 1000)
        object["budgetBound"] = .bool(budgetBound)
        return .object(object)
    }
}
