import Emulator
import Foundation
import ManagementClient
import Model
import Planner
import TestSupport
import Testing

/// Convergence under ARM's faults: with a fifth of all requests failing (429 with `Retry-After`, 500, 503, dropped
/// connections before and after the request took effect, 409 `PessimisticConcurrencyConflict`, 412, long-running
/// operations that never finish) and an edit
/// made by someone else between plan and apply, repeated `apply` runs of the lab reach `No changes.` within six
/// runs, and the emulator then holds exactly what a fault-free apply leaves: the desired resources, the untouched
/// unmanaged ones, nothing twice, and nothing outside the ownership scope deleted. Seeded, so a failure
/// reproduces; bounded in time by a client that gives up quickly.
@Suite(.serialized) struct ConvergenceTests {
    /// 18 % of every request, 28 % of PUTs.
    static let faults = "429=0.05,500=0.04,503=0.04,drop=0.03,lost=0.02,PUT:409=0.04,PUT:412=0.03,stuck=0.03"
    static let maxRuns = 6

    /// Resources outside prune's `owns` (or protected) put in APIM by hand: they must survive every run untouched.
    static let unmanaged: [(ResourceID, JSONValue)] = [
        (ResourceID(.tag, "finance"), ["displayName": "Finance"]),
        (ResourceID(.product, "partner-tier"), ["displayName": "Partner tier", "description": "Managed by hand"]),
        (ResourceID(.group, "partners"), ["displayName": "Partners"]),
    ]
    /// Inside `owns` and in no manifest: pruned, once.
    static let stale = ResourceID(.backend, "stale-legacy")

    /// A fixture repository and the environment applied.
    struct Fixture: Sendable, CustomStringConvertible {
        var folder: String
        var environment: String?
        var apiVersion: String?
        var description: String { folder }

        /// The reference lab (OpenAIGateway macro, policies, an imported API, products), prune on.
        static let lab = Fixture(folder: "lab", environment: nil, apiVersion: nil)
        /// Every kind of the 2026 AI-gateway surface at its preview api-version, prune on for backends.
        static let aiGateway = Fixture(folder: "ai-gateway", environment: "preview", apiVersion: "2025-09-01-preview")
    }

    static let cases: [(Fixture, UInt64)] = [(.lab, 1), (.lab, 2026), (.aiGateway, 3)]

    @Test(arguments: cases)
    func applyConvergesUnderInjectedFaults(fixture: Fixture, seed: UInt64) async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-converge-\(UUID())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let repository = work.appendingPathComponent("manifests")
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent(fixture.folder), to: repository)
        let configPath = repository.appendingPathComponent("apimsync.yaml").path
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        try
            (config.contains("enabled: false")
            ? config.replacingOccurrences(of: "enabled: false", with: "enabled: true")
            : config + "  prune: { enabled: true, maxDeletes: 10, owns: [\"backends/*\"] }\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let runs = ReconcileRuns(configPath: configPath, environment: fixture.environment)

        // The service before the first run: the lab's first backend drifted, the unmanaged resources, a stale one.
        let seeded = work.appendingPathComponent("seeded.json").path
        let drifted = try await Self.seed(stateFile: seeded, seed: seed, runs: runs, apiVersion: fixture.apiVersion)

        // The oracle: the same service, converged without faults.
        let reference = work.appendingPathComponent("reference.json").path
        try FileManager.default.copyItem(atPath: seeded, toPath: reference)
        try await Self.withEmulator(stateFile: reference, seed: seed) { emulator in
            // Patient: on a loaded machine a fault-free run must not fail for want of time.
            let client = try ReconcileRuns.client(
                for: emulator, attempts: 10, operationTimeout: 60, apiVersion: fixture.apiVersion)
            var outcomes: [String] = []
            for _ in 1...Self.maxRuns {
                let outcome = try await runs.run(client: client)
                outcomes.append("\(outcome)")
                if case .converged = outcome { return }
            }
            Issue.record("a fault-free apply must converge: \(outcomes)")
        }

        let faulty = work.appendingPathComponent("faulty.json").path
        try FileManager.default.copyItem(atPath: seeded, toPath: faulty)
        var history: [String] = []
        var converged = false
        let started = ContinuousClock.now
        try await Self.withEmulator(stateFile: faulty, seed: seed, faults: Self.faults) { emulator in
            let client = try ReconcileRuns.client(for: emulator, attempts: 4, apiVersion: fixture.apiVersion)
            let editor = try ReconcileRuns.client(for: emulator, attempts: 10, apiVersion: fixture.apiVersion)
            for run in 1...Self.maxRuns {
                let outcome = try await runs.run(client: client) { plan in
                    // Someone edits a resource the plan updates, after the plan read its ETag: a 412.
                    guard run == 1, plan.changes.contains(where: { $0.id == drifted.id }) else { return }
                    var properties = drifted.properties
                    properties["description"] = "edited in the portal during the run"
                    for _ in 0..<10 where (try? await editor.put(drifted.id, properties: properties)) == nil {}
                }
                history.append("run \(run): \(outcome)")
                if run == 1, case .applied(_, let failed, _) = outcome {
                    #expect(failed > 0, "the faults and the concurrent edit must make the first run fail somewhere")
                }
                if case .blocked(let why) = outcome { Issue.record("blocked: \(why)") }
                if case .converged = outcome {
                    converged = true
                    break
                }
            }
            let stats = await emulator.stats()
            #expect(stats.faultsInjected > 0)
            history.append("faults injected: \(stats.faultsInjected) of \(stats.byMethod.values.reduce(0, +))")
        }
        let elapsed = ContinuousClock.now - started
        #expect(converged, "no convergence in \(Self.maxRuns) runs:\n\(history.joined(separator: "\n"))")
        #expect(elapsed < .seconds(120), "\(elapsed)")

        let expected = try ReconcileRuns.entities(inStateFile: reference)
        let actual = try ReconcileRuns.entities(inStateFile: faulty)
        let wanted = Self.census(expected.keys)
        let found = Self.census(actual.keys)
        let missing = wanted.filter { found[$0.key] != $0.value }.map { "\($0.key) ×\($0.value)" }.sorted()
        let extra = found.filter { wanted[$0.key] != $0.value }.map { "\($0.key) ×\($0.value)" }.sorted()
        #expect(missing.isEmpty, "lost: \(missing)\n\(history.joined(separator: "\n"))")
        #expect(extra.isEmpty, "extra or duplicated: \(extra)\n\(history.joined(separator: "\n"))")
        let before = try ReconcileRuns.entities(inStateFile: seeded)
        for (id, _) in Self.unmanaged {
            let key = try #require(before.keys.first { $0.lowercased() == id.armPath.lowercased() }, "\(id) seeded")
            #expect(actual[key] == before[key], "\(id) must be untouched")
        }
        #expect(!actual.keys.contains { $0.lowercased() == Self.stale.armPath.lowercased() }, "\(Self.stale) pruned")
    }

    /// The same through the real binary, with its production retry policy: repeated `apimsync apply` runs print
    /// `No changes.` within six runs. (No `stuck` fault here: the binary waits for a long-running operation for
    /// up to 30 minutes, as it should against Azure.)
    @Test func theBinaryConvergesUnderFaults() async throws {
        try #require(TestPaths.binaryIsBuilt, "build the executable first (swift build)")
        var options = EmulatorOptions()
        options.faults = try FaultSpec(parsing: "429=0.05,503=0.04,500=0.03,drop=0.03,lost=0.02,PUT:409=0.04")
        options.faultRetryAfterSeconds = 0
        options.seed = 5
        let lab = try await LabHarness(repository: "", options: options)
        try lab.addEndpointEnvironment()
        var outputs: [String] = []
        for _ in 1...Self.maxRuns {
            let run = try await ChildProcess.apimsync(
                ["apply", "--config", lab.configPath, "--env", "ci", "--auto-approve"],
                environment: [
                    "APIMSYNC_TOKEN": EmulatorHarness.token,
                    "APPINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-000000000000",
                ])
            outputs.append(run.output)
            if run.status == 0, run.output.contains("No changes.") { break }
        }
        #expect(outputs.last?.contains("No changes.") == true, "\(outputs.joined(separator: "\n---\n"))")
        #expect(await lab.emulator.stats().faultsInjected > 0)
        await lab.shutdown()
    }

    /// Entity keys with the count of each; names APIM generates (24 hex digits, such as the named value a logger's
    /// credentials are moved into) depend on the order of requests, so they count under one name per collection.
    static func census(_ keys: some Collection<String>) -> [String: Int] {
        var counts: [String: Int] = [:]
        for key in keys {
            var parts = key.split(separator: "/").map(String.init)
            if let last = parts.last, last.count == 24, last.allSatisfy(\.isHexDigit) {
                parts[parts.count - 1] = "(generated)"
            }
            counts[parts.joined(separator: "/"), default: 0] += 1
        }
        return counts
    }

    /// Seeds a fresh service in `stateFile` (no faults); returns the drifted backend as the manifests want it.
    static func seed(
        stateFile: String, seed: UInt64, runs: ReconcileRuns, apiVersion: String?
    ) async throws -> Resource {
        let (found, diagnostics) = runs.desired()
        let desired = try #require(found?.resources(of: .backend).first, "a backend in \(diagnostics)")
        try await withEmulator(stateFile: stateFile, seed: seed) { emulator in
            let client = try ReconcileRuns.client(for: emulator, attempts: 3, apiVersion: apiVersion)
            for (id, properties) in unmanaged { _ = try await client.put(id, properties: properties) }
            _ = try await client.put(stale, properties: ["url": "https://legacy.example.com", "protocol": "http"])
            var drifted = desired.properties
            drifted["url"] = "https://drifted.example.com/openai"
            _ = try await client.put(desired.id, properties: drifted)
        }
        return desired
    }

    /// Runs `body` with an emulator persisting to `stateFile`, shut down however the body ends.
    static func withEmulator(
        stateFile: String, seed: UInt64, faults: String? = nil, _ body: (RunningEmulator) async throws -> Void
    ) async throws {
        var options = EmulatorOptions()
        options.token = EmulatorHarness.token
        options.stateFile = stateFile
        options.seed = seed
        options.faultRetryAfterSeconds = 0
        options.asyncRetryAfterSeconds = 0
        if let faults { options.faults = try FaultSpec(parsing: faults) }
        let emulator = try await EmulatorServer.start(options)
        do {
            try await body(emulator)
            try await emulator.shutdown()
        } catch {
            try? await emulator.shutdown()
            throw error
        }
    }
}
