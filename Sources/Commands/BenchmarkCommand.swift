import ArgumentParser
import Foundation
import Manifests
import Model
import YAML

/// `apimsync benchmark`: reproducible performance measurements (run them from a release build).
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure apimsync on generated workloads (use a release build: swift run -c release).",
        subcommands: [ValidateBenchmark.self, ReconcileBenchmark.self, ThrottlingBenchmark.self]
    )
}

/// Times `validate` on a generated repository against a baseline of YAML parsing alone, in the same process.
struct ValidateBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Generate a repository of N resources and time a full validation of it."
    )

    @Option(
        help:
            "How many resources to generate (in units of 10: named value, backend, tag, API with policy and tag, product with API link and policy, subscription)."
    )
    var resources = 5000

    @Option(help: "How many timed runs (the median is reported).")
    var runs = 5

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = try WorkloadGenerator.writeRepository(at: root, units: max(1, resources / 10))
        let loader = ManifestLoader(configPath: root.appendingPathComponent("apimsync.yaml").path)

        let warmUp = loader.validateAllEnvironments()
        guard !warmUp.hasErrors else {
            throw ValidationError("the generated repository is invalid: \(warmUp.diagnostics.prefix(3))")
        }
        let texts = try files.map { try String(contentsOf: $0, encoding: .utf8) }
        let clock = ContinuousClock()
        var baseline: [Duration] = []
        var validate: [Duration] = []
        for _ in 0..<runs {
            baseline.append(
                try clock.measure {
                    for (file, text) in zip(files, texts) { _ = try YAMLParser.parse(text, file: file.path) }
                })
            validate.append(clock.measure { _ = loader.validateAllEnvironments() })
        }
        let parse = median(baseline)
        let full = median(validate)
        print("validate benchmark: \(warmUp.state.count) resources in \(files.count) files, \(runs) runs (median)")
        print("  baseline (YAML parse only):   \(format(parse))")
        print(
            "  validate (all environments):  \(format(full))   ratio to baseline: \(String(format: "%.2f", ratio(full, parse)))x"
        )
        print("  target: under 2 s → \(full < .seconds(2) ? "met" : "NOT met")")
    }

    func median(_ values: [Duration]) -> Duration { values.sorted()[values.count / 2] }

    func ratio(_ lhs: Duration, _ rhs: Duration) -> Double { seconds(lhs) / max(seconds(rhs), 1e-9) }

    func seconds(_ duration: Duration) -> Double { duration.inSeconds }

    func format(_ duration: Duration) -> String { String(format: "%8.1f ms", seconds(duration) * 1000) }
}
