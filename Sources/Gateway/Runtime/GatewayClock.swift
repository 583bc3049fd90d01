import Foundation
import Synchronization

/// The gateway's time: rate limits, quotas, token limits, circuit breakers, caches, `DateTime.UtcNow` and retry
/// intervals all read it, so that tests move time forward instead of sleeping.
public protocol GatewayClock: Sendable {
    /// Seconds since 1970-01-01 UTC.
    func now() -> Double
    /// Waits `seconds` (a retry interval, a slow backend).
    func sleep(seconds: Double) async
}

/// Wall-clock time, for `apimsync emulator --gateway-port`.
public struct SystemGatewayClock: GatewayClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
    public func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        try? await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded())))
    }
}

/// Virtual time: it moves only when advanced, and a sleep advances it at once.
public final class ManualGatewayClock: GatewayClock {
    private let current: Mutex<Double>

    /// A clock starting at `start` (seconds since 1970; default 2026-01-01T00:00:00Z).
    public init(start: Double = 1_767_225_600) {
        current = Mutex(start)
    }

    public func now() -> Double { current.withLock { $0 } }

    public func advance(seconds: Double) {
        current.withLock { $0 += max(0, seconds) }
    }

    public func sleep(seconds: Double) async { advance(seconds: seconds) }
}
