/// How the controller reconciles: how often, what it does about drift, how it backs off.
public struct ControllerSettings: Sendable, Hashable {
    /// What a cycle does when live APIM differs from the manifests.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Apply the plan: drift is corrected.
        case correct
        /// Only report: drift shows in the status and metrics, nothing is written.
        case detect
    }

    /// Time between the end of one successful cycle and the start of the next.
    public var interval: Duration
    /// Each wait is stretched or shrunk by up to this fraction (0 ≤ jitter < 1), so replicas and neighbours
    /// do not hit ARM in step.
    public var jitter: Double
    public var mode: Mode
    /// The first wait after a failed cycle; each further failure doubles it, never beyond `interval`.
    public var retryBackoff: Duration
    /// Compare secret named values by SHA-256 of their live value (a `listValue` POST per secret and cycle).
    public var checkSecrets: Bool
    /// Allow a cycle to delete more than `prune.maxDeletes`.
    public var allowMassDelete: Bool
    /// A requested cycle (`POST /reconcile`) starts no sooner than this after the previous one ended, so a
    /// flood of requests cannot turn the controller into a tight loop against ARM.
    public var minimumTriggerGap: Duration
    /// The share (0.01 ≤ share ≤ 1; values outside are clamped) of the subscription's ARM read budget (250 reads, refilled at 25/s per principal)
    /// the controller may use: its client's read bucket is scaled to it, so the rest stays free for people and other
    /// tools in any interval. A cycle held back by it for more than half its time reports itself budget-bound.
    public var readBudgetShare: Double

    public init(
        interval: Duration = .seconds(300), jitter: Double = 0.1, mode: Mode = .correct,
        retryBackoff: Duration = .seconds(10), checkSecrets: Bool = true, allowMassDelete: Bool = false,
        minimumTriggerGap: Duration = .seconds(10), readBudgetShare: Double = 0.5
    ) {
        self.interval = interval
        self.jitter = min(max(jitter, 0), 0.99)
        self.mode = mode
        self.retryBackoff = retryBackoff
        self.checkSecrets = checkSecrets
        self.allowMassDelete = allowMassDelete
        self.minimumTriggerGap = minimumTriggerGap
        self.readBudgetShare = min(max(readBudgetShare, 0.01), 1)
    }
}
