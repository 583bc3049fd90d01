import Emulator
import Foundation
import Model
import Planner
import TestSupport
import Testing

/// `apimsync apply` killed with SIGKILL in the middle of a run, then run again: APIM ends up exactly as the
/// manifests say, with nothing lost and nothing twice.
@Suite struct CrashRecoveryTests {
    @Test func killedApplyConvergesOnTheNextRun() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestPaths.binary.path),
            "build the executable first (swift build): \(TestPaths.binary.path)")
        var options = EmulatorOptions()
        options.latency = LatencySpec(meanMilliseconds: 60)
        let lab = try await LabHarness(options: options)
        try lab.addEndpointEnvironment()
        let (_, desired) = try await lab.plan()

        func apply() throws -> ChildProcess {
            try ChildProcess.start(
                TestPaths.binary,
                ["apply", "--config", lab.configPath, "--env", "ci", "--auto-approve", "--concurrency", "1"],
                environment: [
                    "APIMSYNC_TOKEN": "test-token",
                    "APPINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-000000000000",
                ])
        }

        let first = try apply()
        let deadline = ContinuousClock.now + .seconds(60)
        while await lab.writes() < 6, first.process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(first.process.processIdentifier, SIGKILL)
        #expect(await first.finished().reason == .uncaughtSignal)
        let (partial, _) = try await lab.plan()
        #expect(partial.hasChanges, "the first run was killed before it finished")
        #expect(partial.changes.count < desired.count)

        let second = try await apply().finished()
        #expect(second.status == 0, "\(second.output)")
        let (after, _) = try await lab.plan()
        #expect(after.changes.isEmpty, "\(after.changes.map(\.id))")
        #expect(after.unchanged.count == desired.count)
        await lab.shutdown()
    }
}
