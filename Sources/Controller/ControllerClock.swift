/// What the controller waits with between cycles: real time in production; tests substitute a clock that records
/// the waits asked for and returns at once, so they check the schedule without spending it.
public protocol ControllerClock: Sendable {
    /// Waits `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// Real time.
public struct SystemControllerClock: ControllerClock {
    public init() {}

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
