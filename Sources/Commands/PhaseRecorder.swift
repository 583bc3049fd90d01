import Emulator
import Foundation
import ManagementClient
import Model

/// Measures the phases of the reconcile benchmark on the emulator's counters and prints them as Markdown rows.
struct PhaseRecorder {
    /// One measured phase.
    struct Phase {
        var name: String
        /// Answered requests by method (429s included).
        var byMethod: [String: Int]
        var throttled: Int
        var seconds: Double
        /// The larger of the latency bound and the token-bucket bound, nil for a phase without requests.
        var bound: Double?
        /// Peak resident set of the process so far, in MiB.
        var peakRSS: Double
        var timed: Bool

        var total: Int { byMethod.values.reduce(0, +) }
    }

    static let methods = ["GET", "PUT", "PATCH", "DELETE", "POST"]
    static let header = """
        | phase | requests | GET | PUT | PATCH | DELETE | POST | 429 | wall (s) | bound (s) | wall ÷ bound | peak RSS (MiB) |
        |---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
        """

    var latency: Double
    var concurrency: Int
    var emulator: RunningEmulator?
    /// The client's buckets in the measured phases (empty: no token-bucket bound).
    var buckets: [RequestClass: PacingPolicy.Bucket] = [:]
    var phases: [Phase] = []
    var notes: [String] = []

    init(latency: Double, concurrency: Int) {
        self.latency = latency
        self.concurrency = concurrency
    }

    /// Runs `body` and records its requests, wall time and bound; `timed: false` marks a phase run without limits.
    mutating func measure(
        _ name: String, timed: Bool = true, record: Bool = true, concurrency: Int? = nil,
        _ body: () async throws -> Void
    ) async throws -> Phase {
        let before = await emulator?.stats() ?? EmulatorStats()
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        let seconds = start.duration(to: clock.now).inSeconds
        let after = await emulator?.stats() ?? EmulatorStats()
        var byMethod: [String: Int] = [:]
        for (method, count) in after.byMethod {
            let made = count - (before.byMethod[method] ?? 0)
            if made > 0 { byMethod[method] = made }
        }
        var phase = Phase(
            name: name, byMethod: byMethod, throttled: after.throttled - before.throttled, seconds: seconds, bound: nil,
            peakRSS: Self.peakRSS(), timed: timed)
        phase.bound = bound(phase, concurrency: concurrency ?? self.concurrency)
        if record { phases.append(phase) }
        return phase
    }

    /// Records `phase` under another name (a median of several runs).
    mutating func record(_ phase: Phase, name: String) {
        var phase = phase
        phase.name = name
        phases.append(phase)
        printRow(phase)
    }

    /// max(latency × requests ÷ concurrency, the time each bucket needs for its class's requests beyond a full bucket).
    func bound(_ phase: Phase, concurrency: Int) -> Double? {
        guard phase.total > 0 else { return nil }
        var bound = latency * Double(phase.total - phase.throttled) / Double(max(1, concurrency))
        var counts: [RequestClass: Int] = [
            .read: phase.byMethod["GET", default: 0] + phase.byMethod["HEAD", default: 0],
            .write: phase.byMethod["PUT", default: 0] + phase.byMethod["PATCH", default: 0]
                + phase.byMethod["POST", default: 0],
            .delete: phase.byMethod["DELETE", default: 0],
        ]
        // A 429 took no token: the bound counts only the requests ARM accepted. The phases that meet 429s (the
        // baselines) are all of one class, the one with the most requests.
        if phase.throttled > 0, let busiest = counts.max(by: { $0.value < $1.value })?.key {
            counts[busiest, default: 0] -= phase.throttled
        }
        for (requestClass, count) in counts {
            guard let bucket = buckets[requestClass] else { continue }
            bound = max(bound, max(0, Double(count) - bucket.capacity) / bucket.refillPerSecond)
        }
        return bound
    }

    /// A row without requests (validate).
    mutating func row(_ name: String, requests: [String: Int], seconds: Double, bound: Double?) {
        let phase = Phase(
            name: name, byMethod: requests, throttled: 0, seconds: seconds, bound: bound, peakRSS: Self.peakRSS(),
            timed: true)
        phases.append(phase)
        printRow(phase)
    }

    /// Prints `phase` as a table row; a baseline also gets its time as a multiple of `reference`'s.
    func printRow(_ phase: Phase, against reference: Phase? = nil) {
        let methods = Self.methods.map { String(phase.byMethod[$0, default: 0]) }.joined(separator: " | ")
        let wall = phase.timed ? String(format: "%.2f", phase.seconds) : "not timed (limits off)"
        let bound = phase.bound.map { String(format: "%.2f", $0) } ?? "–"
        var ratio = "–"
        if let reference, reference.timed, phase.timed {
            ratio = String(format: "%.1f× apimsync's", phase.seconds / max(reference.seconds, 1e-9))
        } else if let value = phase.bound, value > 0, phase.timed {
            ratio = String(format: "%.2f", phase.seconds / value)
        }
        print(
            "| \(phase.name) | \(phase.total) | \(methods) | \(phase.throttled) | \(wall) | \(bound) | \(ratio) | "
                + String(format: "%.0f", phase.peakRSS) + " |")
    }

    /// The process's peak resident set so far, in MiB (`ru_maxrss` is in KiB on Linux).
    static func peakRSS() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
