import Emulator
import Foundation
import TestSupport
import Testing

/// The rough edges a new user hit on a fresh clone (issue "Ship it"), each through the real binary.
@Suite struct RoughEdgeTests {
    static let secret = ["APPINSIGHTS_CONNECTION_STRING": "InstrumentationKey=rough-edge-secret"]
    static let token = ["APIMSYNC_TOKEN": "test-token"]

    func run(
        _ arguments: [String], environment: [String: String] = token.merging(secret) { $1 }
    ) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(TestPaths.binary, arguments, environment: environment)
    }

    /// A lab whose `ci` environment reaches the harness's emulator; `local` is the embedded emulator with the same
    /// ARM ids, as the lab's `local` and `prod` share theirs.
    func lab() async throws -> LabHarness {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        return lab
    }

    @Test func roughEdge1_applyRefusesAPlanMadeForAnotherEnvironment() async throws {
        let lab = try await lab()
        let planFile = lab.root.appendingPathComponent("plan.json").path
        let planned = try await run(["plan", "--config", lab.configPath, "--env", "ci", "--out", planFile])
        #expect(planned.status == 0, "\(planned.output)")
        let before = await lab.writes()
        let state = URL(fileURLWithPath: lab.configPath).deletingLastPathComponent().appendingPathComponent(
            ".apimsync/local-state.json")

        let refused = try await run(["apply", "--config", lab.configPath, "--env", "local", planFile])
        #expect(refused.status == 1)
        #expect(refused.output.contains("the plan was made for environment 'ci', not 'local'"), "\(refused.output)")
        #expect(await lab.writes() == before)
        #expect(!FileManager.default.fileExists(atPath: state.path), "the embedded emulator was started")

        let applied = try await run(["apply", "--config", lab.configPath, planFile])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(await lab.writes() > before)
        await lab.shutdown()
    }

    @Test func roughEdge4_planAndApplyNameTheirTarget() async throws {
        let lab = try await lab()
        let target =
            "Target: ci → enterpriseapim in rg-ai-gateway (subscription 00000000-0000-0000-0000-000000000000, "
            + lab.emulator.baseURL + ")"
        let text = try await run(["plan", "--config", lab.configPath, "--env", "ci"])
        #expect(text.output.contains(target), "\(text.output)")
        let markdown = try await run(["plan", "--config", lab.configPath, "--env", "ci", "--output", "markdown"])
        #expect(markdown.output.contains("Target: `ci → enterpriseapim in rg-ai-gateway"), "\(markdown.output)")
        let json = try await run(["plan", "--config", lab.configPath, "--env", "ci", "--output", "json"])
        #expect(json.output.contains("\"targetService\""), "\(json.output)")
        #expect(json.output.contains("\"endpoint\": \"\(lab.emulator.baseURL)\""), "\(json.output)")
        let applied = try await run(["apply", "--config", lab.configPath, "--env", "ci", "--auto-approve"])
        #expect(applied.status == 0)
        #expect(applied.output.contains(target), "\(applied.output)")
        await lab.shutdown()
    }

    @Test func roughEdge5_aMissingSecretBlocksThePlanAndNothingIsWritten() async throws {
        let lab = try await lab()
        let before = await lab.writes()
        let blocker =
            "namedValues/appinsights-connection-string needs its secret value from env:APPINSIGHTS_CONNECTION_STRING, "
            + "which is not set here"
        let plan = try await run(["plan", "--config", lab.configPath, "--env", "ci"], environment: Self.token)
        #expect(plan.status == 1)
        #expect(plan.output.contains(blocker), "\(plan.output)")
        let apply = try await run(
            ["apply", "--config", lab.configPath, "--env", "ci", "--auto-approve"], environment: Self.token)
        #expect(apply.status == 1)
        #expect(apply.output.contains(blocker), "\(apply.output)")
        #expect(await lab.writes() == before, "something was written although a secret was missing")
        await lab.shutdown()
    }

    @Test func roughEdge8_reapplyingAnAppliedPlanSaysSoAndSucceeds() async throws {
        let lab = try await lab()
        let planFile = lab.root.appendingPathComponent("plan.json").path
        let planned = try await run(["plan", "--config", lab.configPath, "--env", "ci", "--out", planFile])
        #expect(planned.output.contains("Saved the plan to \(planFile); apply exactly it with: apimsync apply"))
        let first = try await run(["apply", "--config", lab.configPath, planFile])
        #expect(first.status == 0, "\(first.output)")
        func mutations() async -> Int {
            let stats = await lab.emulator.stats()
            return ["PUT", "PATCH", "DELETE"].reduce(0) { $0 + (stats.byMethod[$1] ?? 0) }
        }
        let writes = await mutations()

        let again = try await run(["apply", "--config", lab.configPath, planFile])
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("This plan has already been applied: APIM matches it. Nothing to do."))
        #expect(!again.output.contains("failed"))
        #expect(await mutations() == writes)
        await lab.shutdown()
    }

    @Test func roughEdge3_anExportedRepositoryValidatesAndPlansWithoutNamingItsEnvironment() async throws {
        let lab = try await lab()
        let applied = try await run(["apply", "--config", lab.configPath, "--env", "ci", "--auto-approve"])
        #expect(applied.status == 0, "\(applied.output)")
        let out = lab.root.appendingPathComponent("exported")
        let exported = try await run(["export", "--config", lab.configPath, "--env", "ci", "--out", out.path])
        #expect(exported.status == 0, "\(exported.output)")
        let config = out.appendingPathComponent("apimsync.yaml").path

        let validated = try await run(["validate", "--config", config])
        #expect(validated.status == 0, "\(validated.output)")
        #expect(validated.output.contains("(environments: ci)"), "\(validated.output)")
        let planned = try await run(["plan", "--config", config])
        #expect(planned.status == 0, "\(planned.output)")
        #expect(planned.output.contains("No changes."), "\(planned.output)")

        // Several environments and none called local: the user must choose, and is told so.
        try lab.edit("apimsync.yaml", replacing: "    local:\n", with: "    dev:\n")
        let ambiguous = try await run(["plan", "--config", lab.configPath])
        #expect(ambiguous.status == 1)
        #expect(
            ambiguous.output.contains("none called 'local' (ci, dev, prod): choose one with --env"),
            "\(ambiguous.output)")
        let everyEnvironment = try await run(["validate", "--config", lab.configPath])
        #expect(everyEnvironment.status == 0, "\(everyEnvironment.output)")
        #expect(everyEnvironment.output.contains("(environments: ci, dev, prod)"), "\(everyEnvironment.output)")
        await lab.shutdown()
    }
}
