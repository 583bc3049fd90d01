import Foundation
import TestSupport
import Testing

/// `apimsync benchmark reconcile` on the small instance: not timed here (timings come from release runs, see
/// docs/benchmarks.md), but its invariants must hold: a no-change plan makes the minimum requests, a no-op apply
/// writes nothing, every phase is reported, and the baselines finish without failures.
@Suite struct BenchmarkCommandTests {
    func run(_ extra: [String]) async throws -> (status: Int32, output: String) {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        return try await ChildProcess.apimsync(
            ["benchmark", "reconcile", "--size", "small", "--latency-ms", "0", "--plan-runs", "1"] + extra)
    }

    /// The cells of the row whose phase starts with `phase`.
    func row(_ output: String, _ phase: String) -> [String]? {
        output.split(separator: "\n").map(String.init).first { $0.hasPrefix("| " + phase) }.map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test func withoutLimitsEveryPhaseAndBothBaselinesAreReported() async throws {
        let (status, output) = try await run(["--throttling", "off"])
        #expect(status == 0, Comment(rawValue: output))
        #expect(output.contains("ARM token buckets off"))
        for phase in [
            "validate", "plan, cold", "apply from empty", "  baseline: APIOps", "plan, no changes",
            "  baseline: Terraform", "apply, no changes", "apply, 1 % changed", "controller cycle",
            "plan --changed-since",
        ] {
            #expect(row(output, phase) != nil, "no row for \(phase)")
        }
        #expect(output.contains("→ ratio 1.000 (target ≤ 1.05)"), Comment(rawValue: output))
        #expect(output.contains(", 0 failed;"))
        // Columns: phase, requests, GET, PUT, PATCH, DELETE, POST, 429, …
        let noop = try #require(row(output, "apply, no changes"))
        #expect(noop[3...6].allSatisfy { $0 == "0" }, "a no-op apply wrote: \(noop)")
        let change = try #require(row(output, "apply, 1 % changed"))
        #expect(change[3] == "1" && change[4] == "0" && change[5] == "0", "the 1 % change: \(change)")
    }

    @Test func underARMLimitsNothingReachesTheCallerAsA429() async throws {
        let (status, output) = try await run(["--throttling", "arm", "--skip-baselines"])
        #expect(status == 0, Comment(rawValue: output))
        #expect(output.contains("ARM token buckets arm"))
        let plan = try #require(row(output, "plan, no changes"))
        #expect(plan[7] == "0", "the paced client met 429s: \(plan)")
        #expect(output.contains("controller cycle: InSync, 0 planned"))
    }
}
