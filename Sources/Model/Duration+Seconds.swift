import Foundation

extension Duration {
    /// The duration in seconds, as a floating-point number (for reports, logs and pacing arithmetic).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Date {
    /// The date as ARM writes timestamps: ISO 8601 in UTC with milliseconds (`2026-11-25T10:30:14.123Z`).
    public var armTimestamp: String {
        formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
