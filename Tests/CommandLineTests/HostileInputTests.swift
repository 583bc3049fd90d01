import Emulator
import Foundation
import TestSupport
import Testing

/// Issue 14's hostile input, each case through the real binary: `validate` and `plan` end with exit 1 and a
/// diagnostic naming the file (with `line:col` where it is meaningful), within 10 s of CPU (25 s of wall time) and
/// 512 MB of resident memory, never by a signal, and without one request to APIM.
@Suite struct HostileInputTests {
    /// At most this many `apimsync` processes at once, whichever case they belong to.
    static let slots = ProcessSlots(3)
    static let environment = ["APIMSYNC_TOKEN": EmulatorHarness.token, "SWIFT_BACKTRACE": "enable=no"]
    /// The bound on time, applied to the CPU time each run uses: the suite runs beside every other test
    /// on a small machine, where wall time measures the queue for the CPU more than the run. A run that blocks
    /// (reading a FIFO, say) uses no CPU; `wallLimit` catches it.
    static let timeLimit = Duration.seconds(10)
    static let wallLimit = Duration.seconds(25)
    static let memoryLimit = 512 << 20

    @Test(arguments: HostileCorpus.fixtureCases + HostileCorpus.generatedCases)
    func validateAndPlanRefuse(_ hostile: HostileCase) async throws {
        try #require(TestPaths.binaryIsBuilt)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let repository = folder.appendingPathComponent("repo")
        try await EmulatorHarness.with { emulator, _ in
            try hostile.write(to: repository, target: EmulatorHarness.endpointTarget(for: emulator, indent: 8))
            let config = repository.appendingPathComponent("apimsync.yaml").path
            for command in ["validate", "plan"] {
                let run = try await Self.slots.run {
                    try await MeasuredRun.apimsync([command, "--config", config], environment: Self.environment)
                }
                Self.check(run, of: hostile, command: command)
            }
            #expect(await emulator.stats().totalRequests == 0, "\(hostile.name): requests reached the emulator")
        }
    }

    /// A value of the wrong shape in each field of every kind. The target is a closed port: `validate` reaches
    /// no service.
    @Test(arguments: HostileCorpus.wrongTypeCases)
    func validateRefusesAWrongType(_ hostile: HostileCase) async throws {
        try #require(TestPaths.binaryIsBuilt)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let repository = folder.appendingPathComponent("repo")
        try hostile.write(
            to: repository,
            target: "        endpoint: http://127.0.0.1:1\n        auth: token\n"
                + "        subscriptionId: s\n        resourceGroup: rg\n        service: svc")
        let config = repository.appendingPathComponent("apimsync.yaml").path
        let run = try await Self.slots.run {
            try await MeasuredRun.apimsync(["validate", "--config", config], environment: Self.environment)
        }
        Self.check(run, of: hostile, command: "validate")
    }

    @Test func theCorpusHoldsAtLeastSixtyFiles() {
        #expect(HostileCorpus.fixtureCases.count + HostileCorpus.generatedCases.count >= 60)
        #expect(HostileCorpus.wrongTypeCases.count >= 100)
    }

    static func check(_ run: MeasuredRun, of hostile: HostileCase, command: String) {
        let label = "\(hostile.name) (\(command))"
        #expect(run.signal == nil, "\(label) ended by signal \(run.signal ?? 0)\n\(run.output.prefix(2000))")
        #expect(
            run.exitStatus == 1, "\(label) exited \(run.exitStatus.map(String.init) ?? "-")\n\(run.output.prefix(2000))"
        )
        #expect(run.cpuTime <= timeLimit, "\(label) used \(run.cpuTime) of CPU")
        #expect(run.duration <= wallLimit, "\(label) took \(run.duration)")
        #expect(run.peakResidentBytes <= memoryLimit, "\(label) peaked at \(run.peakResidentBytes >> 20) MB")
        for expected in hostile.expected {
            #expect(run.output.contains(expected), "\(label): no '\(expected)' in\n\(run.output.prefix(2000))")
        }
        for absent in hostile.absent {
            #expect(!run.output.contains(absent), "\(label): '\(absent)' was written")
        }
        #expect(run.output.utf8.count < 64 << 10, "\(label) wrote \(run.output.utf8.count) bytes")
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apimsync-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
