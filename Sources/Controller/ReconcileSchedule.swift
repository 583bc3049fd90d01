import Model

/// When the next cycle starts: the interval after success, exponential backoff after failures (capped at the
/// interval), both jittered. Pure, so it is tested without waiting.
public struct ReconcileSchedule: Sendable {
    public let settings: ControllerSettings

    public init(settings: ControllerSettings) {
        self.settings = settings
    }

    /// The wait before the next cycle.
    ///
    /// - Parameters:
    ///   - consecutiveFailures: failed cycles in a row so far (0 after a success).
    ///   - unit: a random number in `[0, 1)` that picks the jitter.
    public func delay(consecutiveFailures: Int, unit: Double) -> Duration {
        var base = settings.interval
        if consecutiveFailures > 0 {
            let doublings = min(consecutiveFailures - 1, 30)
            let backoff = settings.retryBackoff * (1 << doublings)
            base = min(backoff, settings.interval)
        }
        let factor = 1 + settings.jitter * (2 * min(max(unit, 0), 1) - 1)
        return .milliseconds(Int64((base.inSeconds * 1000 * factor).rounded()))
    }
}
