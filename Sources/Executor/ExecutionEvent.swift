import Model
import Planner

/// What happened to one change; the executor reports these and never prints.
public enum ChangeOutcome: Sendable, Hashable {
    case applied
    /// ARM's error, as the client describes it (operation, status, code, message, request id).
    case failed(String)
    /// Not attempted because a change it depends on did not succeed.
    case skipped(because: ResourceID)

    public var isApplied: Bool { self == .applied }
}

/// Progress of an apply, delivered in order of occurrence.
public enum ExecutionEvent: Sendable {
    case started(ResourceChange)
    case finished(ResourceChange, ChangeOutcome, seconds: Double)
}

/// The result of applying a plan: one outcome per change.
public struct ApplyReport: Sendable {
    public var outcomes: [(change: ResourceChange, outcome: ChangeOutcome)]

    public var applied: Int { outcomes.filter { $0.outcome.isApplied }.count }
    public var failed: Int { outcomes.filter { if case .failed = $0.outcome { true } else { false } }.count }
    public var skipped: Int { outcomes.filter { if case .skipped = $0.outcome { true } else { false } }.count }
    public var succeeded: Bool { applied == outcomes.count }
}
