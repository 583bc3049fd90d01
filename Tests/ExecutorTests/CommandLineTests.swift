import Emulator
import Foundation
import Testing

/// The built `apimsync` executable, run as a user would.
@Suite struct CommandLineTests {
    func run(_ arguments: [String], environment extra: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = CrashRecoveryTests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func authCheckReadsTheTargetFromTheEnvironmentAndNeverPrintsTheToken() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary.path))
        let lab = try await LabHarness()
        try lab.edit(
            "apimsync.yaml", replacing: "  environments:\n",
            with: """
                  environments:
                    ci:
                      target: { endpoint: \(lab.emulator.baseURL), subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg-ai-gateway, service: enterpriseapim, auth: token }

                """)
        let good = try run(
            ["auth", "check", "--config", lab.configPath, "--env", "ci"], environment: ["APIMSYNC_TOKEN": "test-token"])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("credential: token"))
        #expect(good.output.contains("read:       GET apis -> HTTP 200"))
        #expect(!good.output.contains("test-token"))

        let refused = try run(
            ["auth", "check", "--config", lab.configPath, "--env", "ci"],
            environment: ["APIMSYNC_TOKEN": "not-the-token"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("401"))
        #expect(!refused.output.contains("not-the-token"))

        let local = try run(["auth", "check", "--config", lab.configPath, "--env", "local"], environment: [:])
        #expect(local.status == 0)
        #expect(local.output.contains("targets the embedded emulator"))
        await lab.shutdown()
    }

    @Test func validateShowsTheSourceLineAndACaretAndExitsOne() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.binary.path))
        let lab = try await LabHarness()
        await lab.shutdown()
        let bad = URL(fileURLWithPath: lab.configPath).deletingLastPathComponent().appendingPathComponent(
            "resources/bad.yaml")
        try "apiVersion: apimsync/v1\nkind: Backend\nmetadata:\n  name: x\n spec: {}\n".write(
            to: bad, atomically: true, encoding: .utf8)
        let result = try run(["validate", "--config", lab.configPath], environment: [:])
        #expect(result.status == 1)
        #expect(
            result.output.contains(
                "resources/bad.yaml:5:2: error: did not find expected key (while parsing a block mapping at line 1, column 1)\n spec: {}\n ^\n"
            ), "\(result.output)")
        try FileManager.default.removeItem(at: bad)
        let valid = try run(["validate", "--config", lab.configPath], environment: [:])
        #expect(valid.status == 0, "\(valid.output)")
        #expect(valid.output.contains("valid, 18 resources (environments: local, prod)"))
    }
}
