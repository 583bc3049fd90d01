import Foundation
import Synchronization

/// When and how long the client waits before retrying a request.
///
/// Retried: 429 (after at least `Retry-After`), 5xx and transport failures of idempotent requests (exponential
/// backoff with full jitter), and 409 `PessimisticConcurrencyConflict` (backoff). Never retried: 412 and other
/// 4xx, and 5xx or transport failures of requests that are not safe to repeat.
public struct RetryPolicy: Sendable {
    /// Total HTTP attempts per operation, the first included.
    public var maxAttempts: Int
    /// The longest an operation may spend retrying, in seconds (a wait that would pass it is not started).
    public var maxElapsedSeconds: Double
    /// The first backoff ceiling, in seconds; it doubles with each attempt.
    public var baseDelaySeconds: Double
    /// The largest backoff ceiling, in seconds.
    public var maxDelaySeconds: Double
    /// The wait after a 429 that carries no `Retry-After`, in seconds.
    public var defaultThrottleDelaySeconds: Double
    /// Timeout of one HTTP attempt, in seconds.
    public var requestTimeoutSeconds: Double

    public init(
        maxAttempts: Int = 10, maxElapsedSeconds: Double = 600, baseDelaySeconds: Double = 0.8,
        maxDelaySeconds: Double = 60, defaultThrottleDelaySeconds: Double = 10, requestTimeoutSeconds: Double = 100
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxElapsedSeconds = maxElapsedSeconds
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.defaultThrottleDelaySeconds = defaultThrottleDelaySeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }

    /// The production defaults.
    public static let `default` = RetryPolicy()

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The backoff before attempt `attempt + 1` after `attempt` failed: uniform in `[0, min(max, base·2^(attempt-1))]`.
    func backoff(afterAttempt attempt: Int, unit: Double) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let ceiling = min(maxDelaySeconds, baseDelaySeconds * pow(2, exponent))
        return unit * ceiling
    }
}

/// The random numbers behind backoff jitter; seed it for reproducible tests.
public final class JitterSource: Sendable {
    private let state: Mutex<UInt64>

    /// A source seeded from the system generator.
    public convenience init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    /// A reproducible source.
    public init(seed: UInt64) {
        state = Mutex(seed)
    }

    /// A number in `[0, 1)` (SplitMix64).
    public func unit() -> Double {
        let value = state.withLock { state -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }
}

/// Reads the delay a response asks for: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` (seconds or
/// an HTTP date). Nil when absent or unreadable.
func requestedRetryDelay(_ response: TransportResponse, now: Date = Date()) -> Double? {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let text = response.header(name), let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)),
            milliseconds >= 0
        {
            return milliseconds / 1000
        }
    }
    guard let text = response.header("retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
    if let seconds = Double(text), seconds >= 0 { return seconds }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    if let date = formatter.date(from: text) { return max(0, date.timeIntervalSince(now)) }
    return nil
}
