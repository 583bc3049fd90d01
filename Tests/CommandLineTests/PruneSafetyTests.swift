import Emulator
import Executor
import Foundation
import ManagementClient
import Model
import Planner
import TestSupport
import Testing

/// Prune safety through the real binary against the emulator: an emptied resource folder, more deletes than
/// `prune.maxDeletes`, a repository pointed at another service and a failed list call each delete nothing, write
/// nothing, and say why; `--allow-mass-delete` lifts only the count guard.
@Suite(.serialized) struct PruneSafetyTests {
    static let environment = [
        "APIMSYNC_TOKEN": EmulatorHarness.token,
        "APPINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-000000000000",
    ]

    static func apimsync(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.apimsync(arguments, environment: environment)
    }

    /// The lab applied to the harness's emulator, with prune on and an `ci` environment for the binary.
    static func appliedLab() async throws -> LabHarness {
        try #require(TestPaths.binaryIsBuilt, "build the executable first (swift build)")
        let lab = try await LabHarness()
        let (plan, desired) = try await lab.plan()
        #expect(await lab.apply(plan, desired: desired).succeeded)
        try lab.addEndpointEnvironment()
        try lab.edit("apimsync.yaml", replacing: "enabled: false", with: "enabled: true")
        return lab
    }

    /// Removes every manifest from the lab's `resources` folder, as a bad merge might; the folder stays.
    static func emptyResourceFolder(of lab: LabHarness) throws {
        let folder = URL(fileURLWithPath: lab.configPath).deletingLastPathComponent().appendingPathComponent(
            "resources")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(file))
        }
    }

    /// PUT, PATCH and DELETE requests served so far (reads by POST, such as `listValue`, are not counted).
    static func mutations(_ emulator: RunningEmulator) async -> Int {
        let methods = await emulator.stats().byMethod
        return ["PUT", "PATCH", "DELETE"].reduce(0) { $0 + (methods[$1] ?? 0) }
    }

    /// Adds an environment `name` reaching `emulator`, with the lab's variables.
    static func addEnvironment(_ name: String, reaching emulator: RunningEmulator, to lab: LabHarness) throws {
        let variables = try #require(
            try String(contentsOfFile: lab.configPath, encoding: .utf8).firstMatch(
                of: /\n(      variables:\n(        .*\n)+)/)?.1)
        try lab.edit(
            "apimsync.yaml", replacing: "    ci:\n",
            with: "    \(name):\n      target:\n\(EmulatorHarness.endpointTarget(for: emulator, indent: 8))\n"
                + variables + "    ci:\n")
    }

    @Test func anEmptiedResourceFolderDeletesNothing() async throws {
        let lab = try await Self.appliedLab()
        try Self.emptyResourceFolder(of: lab)
        let writes = await Self.mutations(lab.emulator)
        for format in ["text", "markdown", "json"] {
            let plan = try await Self.apimsync(["plan", "--config", lab.configPath, "--env", "ci", "-o", format])
            #expect(plan.status == 1, "\(plan.output)")
            #expect(plan.output.contains("resources' holds no manifests, yet the plan deletes"), "\(plan.output)")
        }
        let apply = try await Self.apimsync([
            "apply", "--config", lab.configPath, "--env", "ci", "--auto-approve", "--allow-mass-delete",
        ])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.output.contains("holds no manifests"), "\(apply.output)")
        #expect(await Self.mutations(lab.emulator) == writes, "nothing written")
        await lab.shutdown()
    }

    /// The controller stalls on a guarded plan and says why in `/status`; APIM is not written.
    @Test func theControllerStallsOnAGuardedPlanAndSaysWhy() async throws {
        let lab = try await Self.appliedLab()
        try Self.emptyResourceFolder(of: lab)
        let writes = await Self.mutations(lab.emulator)
        let controller = try ChildProcess.start(
            TestPaths.binary,
            [
                "controller", "--config", lab.configPath, "--env", "ci", "--interval", "1h", "--listen",
                "127.0.0.1:0", "--log-format", "json", "--allow-mass-delete",
            ], environment: Self.environment)
        var port: Int?
        try await Eventually.waitUntil {
            port = controller.outputSoFar().firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }
            return port != nil && controller.outputSoFar().contains("cycle finished")
        }
        let status = try await TestTools.get("http://127.0.0.1:\(try #require(port))/status")
        controller.process.terminate()
        let output = await controller.finished().output
        let json = try JSONValue.parse(status.body)
        #expect(json["phase"]?.stringValue == "Stalled", "\(json.serialized())")
        #expect(json.serialized().contains("holds no manifests"), "\(json.serialized())")
        #expect(output.contains("holds no manifests"), "\(output)")
        #expect(await Self.mutations(lab.emulator) == writes, "nothing written")
        await lab.shutdown()
    }

    @Test func moreDeletesThanMaxDeletesNeedAllowMassDelete() async throws {
        let lab = try await Self.appliedLab()
        try lab.edit("apimsync.yaml", replacing: "maxDeletes: 10", with: "maxDeletes: 2")
        let stale = (1...3).map { ResourceID(.backend, "stale\($0)") }
        for id in stale {
            _ = try await lab.client.put(
                id, properties: ["url": .string("https://\(id.name).example.com"), "protocol": "http"])
        }
        let writes = await Self.mutations(lab.emulator)
        let plan = try await Self.apimsync(["plan", "--config", lab.configPath, "--env", "ci", "-o", "json"])
        #expect(plan.status == 1)
        #expect(
            plan.output.contains("\"the plan deletes 3 resources, more than prune.maxDeletes (2)"), "\(plan.output)")
        let markdown = try await Self.apimsync(["plan", "--config", lab.configPath, "--env", "ci", "-o", "markdown"])
        #expect(markdown.output.contains("> [!CAUTION]\n> the plan deletes 3 resources"), "\(markdown.output)")
        let refused = try await Self.apimsync(["apply", "--config", lab.configPath, "--env", "ci", "--auto-approve"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("error: the plan deletes 3 resources"), "\(refused.output)")
        #expect(await Self.mutations(lab.emulator) == writes, "nothing written")
        for id in stale { #expect(try await lab.client.getIfExists(id) != nil) }

        let allowed = try await Self.apimsync([
            "apply", "--config", lab.configPath, "--env", "ci", "--auto-approve", "--allow-mass-delete",
        ])
        #expect(allowed.status == 0, "\(allowed.output)")
        for id in stale { #expect(try await lab.client.getIfExists(id) == nil) }
        await lab.shutdown()
    }

    @Test func aRepositoryPointedAtAnotherServiceDeletesNothing() async throws {
        let lab = try await Self.appliedLab()
        try await EmulatorHarness.with { other, client in
            for name in ["billing", "crm"] {
                _ = try await client.put(
                    ResourceID(.backend, name),
                    properties: ["url": .string("https://\(name).example.com"), "protocol": "http"])
            }
            try Self.addEnvironment("other", reaching: other, to: lab)
            let before = await other.stats().byMethod
            let plan = try await Self.apimsync(["plan", "--config", lab.configPath, "--env", "other"])
            #expect(plan.status == 1)
            #expect(plan.output.contains("this looks like a different service"), "\(plan.output)")
            let apply = try await Self.apimsync([
                "apply", "--config", lab.configPath, "--env", "other", "--auto-approve", "--allow-mass-delete",
            ])
            #expect(apply.status == 1)
            #expect(apply.output.contains("this looks like a different service"), "\(apply.output)")
            let after = await other.stats().byMethod
            for method in ["PUT", "PATCH", "DELETE"] { #expect(after[method] == before[method], "no \(method)") }
        }
        await lab.shutdown()
    }

    @Test func aFailedListCallDeletesNothing() async throws {
        let lab = try await Self.appliedLab()
        // Listing backends is refused (a role without read on them); everything else answers.
        let refused = try FaultSpec(parsing: "GET:403@backends=1")
        try await EmulatorHarness.with({ $0.faults = refused }) {
            other, client in
            let stale = ResourceID(.backend, "stale")
            _ = try await client.put(stale, properties: ["url": "https://stale.example.com", "protocol": "http"])
            try Self.addEnvironment("other", reaching: other, to: lab)
            let before = await other.stats().byMethod
            let apply = try await Self.apimsync([
                "apply", "--config", lab.configPath, "--env", "other", "--auto-approve", "--allow-mass-delete",
            ])
            #expect(apply.status == 1)
            #expect(apply.output.contains("reading APIM failed, so no change was made"), "\(apply.output)")
            #expect(apply.output.contains("GET backends"), "\(apply.output)")
            let after = await other.stats().byMethod
            for method in ["PUT", "PATCH", "DELETE"] { #expect(after[method] == before[method], "no \(method)") }
            #expect(try await client.getIfExists(stale) != nil)
        }
        await lab.shutdown()
    }
}
