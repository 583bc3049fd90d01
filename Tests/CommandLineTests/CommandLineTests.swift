import Emulator
import Executor
import Foundation
import ManagementClient
import Model
import Planner
import TestSupport
import Testing

/// The built `apimsync` executable, run as a user would.
@Suite struct CommandLineTests {
    func run(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(TestPaths.binary, arguments, environment: environment)
    }

    @Test func authCheckReadsTheTargetFromTheEnvironmentAndNeverPrintsTheToken() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        let good = try await run(
            ["auth", "check", "--config", lab.configPath, "--env", "ci"], environment: ["APIMSYNC_TOKEN": "test-token"])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("credential: token"))
        #expect(good.output.contains("read:       GET apis -> HTTP 200"))
        #expect(!good.output.contains("test-token"))

        let refused = try await run(
            ["auth", "check", "--config", lab.configPath, "--env", "ci"],
            environment: ["APIMSYNC_TOKEN": "not-the-token"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("401"))
        #expect(!refused.output.contains("not-the-token"))

        let local = try await run(["auth", "check", "--config", lab.configPath, "--env", "local"], environment: [:])
        #expect(local.status == 0)
        #expect(local.output.contains("targets the embedded emulator"))
        await lab.shutdown()
    }

    @Test func validateShowsTheSourceLineAndACaretAndExitsOne() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        await lab.shutdown()
        let bad = URL(fileURLWithPath: lab.configPath).deletingLastPathComponent().appendingPathComponent(
            "resources/bad.yaml")
        try "apiVersion: apimsync/v1\nkind: Backend\nmetadata:\n  name: x\n spec: {}\n".write(
            to: bad, atomically: true, encoding: .utf8)
        let result = try await run(["validate", "--config", lab.configPath], environment: [:])
        #expect(result.status == 1)
        #expect(
            result.output.contains(
                "resources/bad.yaml:5:2: error: this line does not line up with the keys of the mapping that starts at "
                    + "line 1, column 1: check its indentation, or a missing ':' or '-' [YAML: did not find expected "
                    + "key (while parsing a block mapping at line 1, column 1)]\n spec: {}\n ^\n"
            ), "\(result.output)")
        try FileManager.default.removeItem(at: bad)
        let valid = try await run(["validate", "--config", lab.configPath], environment: [:])
        #expect(valid.status == 0, "\(valid.output)")
        #expect(valid.output.contains("valid, 18 resources (environments: local, prod)"))
    }

    @Test func secretValuesNeverAppearInAnyOutputOrPlanFile() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        let first = "InstrumentationKey=first-Secret-4711"
        let second = "InstrumentationKey=second-Secret-0815"
        let config = ["--config", lab.configPath, "--env", "ci"]
        var outputs: [String] = []
        func call(_ arguments: [String], secret: String) async throws -> (status: Int32, output: String) {
            let result = try await run(
                arguments, environment: ["APIMSYNC_TOKEN": "test-token", "APPINSIGHTS_CONNECTION_STRING": secret])
            outputs.append(result.output)
            return result
        }
        let applied = try await call(["apply"] + config + ["--auto-approve"], secret: first)
        #expect(applied.status == 0, "\(applied.output)")
        #expect(try await lab.client.listValue(namedValue: "appinsights-connection-string") == first)

        // The secret changes in the environment: only --check-secrets can see it, and it says no more than that.
        let unchecked = try await call(["plan"] + config, secret: second)
        #expect(unchecked.output.contains("No changes."))
        let planFile = lab.root.appendingPathComponent("plan.json").path
        let checked = try await call(["plan"] + config + ["--check-secrets", "--out", planFile], secret: second)
        #expect(checked.output.contains("~ namedValues/appinsights-connection-string"))
        #expect(checked.output.contains("value: (secret) → (secret changed)"))
        _ = try await call(["plan"] + config + ["--check-secrets", "--output", "json"], secret: second)
        _ = try await call(["plan"] + config + ["--check-secrets", "--output", "markdown"], secret: second)
        _ = try await call(["render"] + config, secret: second)
        let reapplied = try await call(
            ["apply", planFile, "--config", lab.configPath, "--log-format", "json"], secret: second)
        #expect(reapplied.status == 0, "\(reapplied.output)")
        #expect(try await lab.client.listValue(namedValue: "appinsights-connection-string") == second)

        outputs.append(try String(contentsOfFile: planFile, encoding: .utf8))
        for output in outputs {
            for secret in ["first-Secret-4711", "second-Secret-0815", "test-token"] {
                #expect(!output.contains(secret), "a secret leaked: \(output)")
            }
        }
        await lab.shutdown()
    }

    @Test func applyToAnARMTargetRefusesWithoutApprovalWhenNotOnATerminal() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        let before = await lab.writes()
        let refused = try await run(
            ["apply", "--config", lab.configPath, "--env", "ci"],
            environment: ["APIMSYNC_TOKEN": "test-token", "APPINSIGHTS_CONNECTION_STRING": "InstrumentationKey=k"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("refusing to apply to Azure without --auto-approve when not on a terminal"))
        #expect(await lab.writes() == before)
        await lab.shutdown()
    }

    /// `apimsync controller` as a container runs it: ready once a cycle has applied the manifests, a POST corrects
    /// drift at once, SIGTERM stops it with status 0, and neither its log nor its endpoints show a secret.
    @Test(.timeLimit(.minutes(1)))
    func controllerConvergesCorrectsDriftOnRequestAndStopsOnSIGTERM() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        let secret = "InstrumentationKey=controller-Secret-2718"
        let child = try ChildProcess.start(
            TestPaths.binary,
            [
                "controller", "--config", lab.configPath, "--env", "ci", "--interval", "1h", "--listen", "127.0.0.1:0",
                "--log-format", "json", "--trigger-gap", "0s",
            ],
            environment: ["APIMSYNC_TOKEN": "test-token", "APPINSIGHTS_CONNECTION_STRING": secret])
        var port: Int?
        try await Eventually.waitUntil {
            port = child.outputSoFar().firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }
            return port != nil
        }
        let base = "http://127.0.0.1:\(try #require(port))"
        try await Eventually.waitUntil { (try? await TestTools.get(base + "/readyz").status) == 200 }
        #expect(try await lab.client.listValue(namedValue: "appinsights-connection-string") == secret)
        #expect(try await lab.plan().0.changes.isEmpty)

        let id = try await lab.driftFirstBackend()
        _ = try await AsyncHTTPTransport.shared.send(
            TransportRequest(method: "POST", url: base + "/reconcile"), timeout: .seconds(5))
        try await Eventually.waitUntil { (try? await lab.plan().0.changes.isEmpty) == true }
        #expect(try await lab.client.get(id).properties?["url"]?.stringValue != "https://drifted.example.com/openai")
        let status = String(decoding: try await TestTools.get(base + "/status").body, as: UTF8.self)
        let metrics = String(decoding: try await TestTools.get(base + "/metrics").body, as: UTF8.self)

        child.process.terminate()
        let result = await child.finished()
        #expect(result.reason == .exit && result.status == 0, "\(result.output)")
        #expect(result.output.contains("controller stopped"))
        // One JSON object per line, cycle results as fields.
        let lines = result.output.split(separator: "\n").map { try? JSONValue.parse(Array($0.utf8)) }
        #expect(!lines.isEmpty && lines.allSatisfy { $0?["level"] != nil && $0?["message"] != nil }, "\(result.output)")
        #expect(
            lines.contains {
                $0?["message"]?.stringValue == "cycle finished" && $0?["result"]?.stringValue == "InSync"
            })
        for text in [result.output, status, metrics] {
            for leaked in ["controller-Secret-2718", "test-token"] { #expect(!text.contains(leaked), "\(text)") }
        }
        await lab.shutdown()
    }

    /// Bootstrap from a live service: the exported repository validates, plans as "No changes." against the same
    /// service, and holds no secret; an export into a non-empty folder writes nothing. Run on the gateway lab, and
    /// on the plain lab plus every kind with every optional field (Fixtures/every-field.yaml).
    @Test(arguments: [false, true])
    func exportWritesARepositoryThatPlansNoChangesAgainstItsSource(everyField: Bool) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness(repository: everyField ? "examples/plain" : "")
        try lab.addEndpointEnvironment()
        if everyField {
            try FileManager.default.copyItem(
                at: TestPaths.fixtures.appendingPathComponent("every-field.yaml"),
                to: URL(fileURLWithPath: lab.configPath).deletingLastPathComponent()
                    .appendingPathComponent("resources/every-field.yaml"))
        }
        let secret = "InstrumentationKey=export-Secret-1618"
        let environment = ["APIMSYNC_TOKEN": "test-token", "APPINSIGHTS_CONNECTION_STRING": secret]
        let applied = try await run(
            ["apply", "--config", lab.configPath, "--env", "ci", "--auto-approve"], environment: environment)
        #expect(applied.status == 0, "\(applied.output)")

        let out = lab.root.appendingPathComponent("exported")
        let exported = try await run(
            ["export", "--config", lab.configPath, "--env", "ci", "--out", out.path], environment: environment)
        #expect(exported.status == 0, "\(exported.output)")
        #expect(exported.output.contains("set APPINSIGHTS_CONNECTION_STRING where apimsync runs"))
        let config = out.appendingPathComponent("apimsync.yaml").path
        let plan = try await run(["plan", "--config", config, "--env", "ci"], environment: environment)
        #expect(plan.status == 0 && plan.output.contains("No changes."), "\(plan.output)")
        let checked = try await run(
            ["plan", "--config", config, "--env", "ci", "--check-secrets"], environment: environment)
        #expect(checked.output.contains("No changes."), "\(checked.output)")
        let files = try #require(FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String])
        #expect(files.contains("specs/aoai.json") && files.contains("policies/apis/aoai.xml"), "\(files)")
        for file in files {
            let text = (try? String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)) ?? ""
            #expect(!text.contains("export-Secret-1618") && !text.contains("test-token"), "\(file) leaks a secret")
        }

        let again = try await run(
            ["export", "--config", lab.configPath, "--env", "ci", "--out", out.path], environment: environment)
        #expect(again.status != 0 && again.output.contains("is not empty"), "\(again.output)")
        await lab.shutdown()
    }

    /// A pull-request plan narrowed to what changed since a git ref: only the resources built from changed files
    /// are read and planned, with a note that deletions are not; a change to apimsync.yaml plans everything.
    @Test func planChangedSinceReadsAndPlansOnlyWhatTheChangeTouched() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        let repository = lab.root.appendingPathComponent("manifests").path
        for arguments in [["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "lab"]] {
            try await TestTools.git(["-C", repository] + arguments)
        }
        try lab.edit(
            "resources/backends.yaml", replacing: "description: Azure OpenAI instance apimaoai01",
            with: "description: Azure OpenAI instance 01")
        let environment = ["APIMSYNC_TOKEN": "test-token"]
        let plan = ["plan", "--config", lab.configPath, "--env", "ci", "--output", "json"]

        let before = await lab.emulator.stats().totalRequests
        let narrowed = try await run(plan + ["--changed-since", "HEAD"], environment: environment)
        let narrowedRequests = await lab.emulator.stats().totalRequests - before
        let json = try JSONValue.parse(Array(narrowed.output.utf8))
        #expect(json["changes"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["backends/aoai-apimaoai01"])
        #expect(json["notes"]?.arrayValue?.first?.stringValue?.contains("narrowed to the 3 of 18 resources") == true)
        #expect(json["unmanaged"]?.arrayValue?.isEmpty ?? true)

        let full = try await run(plan, environment: environment)
        let fullRequests = await lab.emulator.stats().totalRequests - before - narrowedRequests
        #expect(try JSONValue.parse(Array(full.output.utf8))["changes"]?.arrayValue?.count == 1)
        #expect(narrowedRequests < fullRequests / 2, "narrowed \(narrowedRequests), full \(fullRequests)")

        try lab.edit("apimsync.yaml", replacing: "maxDeletes: 10", with: "maxDeletes: 11")
        let everything = try await run(plan + ["--changed-since", "HEAD"], environment: environment)
        #expect(everything.output.contains("planned everything"), "\(everything.output)")
        await lab.shutdown()
    }

    /// Bootstrapping without any repository yet: the target comes from flags, and the exported apimsync.yaml
    /// names it, so the new repository plans against the same service.
    @Test func exportFromFlagsNamesTheTargetInTheNewRepository() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        let (initial, desired) = try await lab.plan()
        #expect(await lab.apply(initial, desired: desired).succeeded)
        let options = EmulatorOptions()
        let out = lab.root.appendingPathComponent("bootstrap")
        let environment = ["APIMSYNC_TOKEN": "test-token", "APPINSIGHTS_CONNECTION_STRING": "x"]
        let exported = try await run(
            [
                "export", "--subscription-id", options.subscriptionId, "--resource-group", options.resourceGroup,
                "--service", options.serviceName, "--endpoint", lab.emulator.baseURL, "--auth", "token",
                "--environment-name", "dev", "--out", out.path,
            ], environment: environment)
        #expect(exported.status == 0, "\(exported.output)")
        let config = try String(contentsOf: out.appendingPathComponent("apimsync.yaml"), encoding: .utf8)
        #expect(config.contains("    dev:\n      target:\n        endpoint: \(lab.emulator.baseURL)\n"), "\(config)")
        #expect(config.contains("auth: token"))
        let plan = try await run(
            ["plan", "--config", out.appendingPathComponent("apimsync.yaml").path, "--env", "dev"],
            environment: environment)
        #expect(plan.output.contains("No changes."), "\(plan.output)")

        let mixed = try await run(["export", "--env", "ci", "--service", "x", "--out", out.path], environment: [:])
        #expect(mixed.status != 0 && mixed.output.contains("give all of --subscription-id"), "\(mixed.output)")
        await lab.shutdown()
    }

    /// A read that fails (here: a token APIM refuses) makes no plan: exit 1, the cause once for all the calls it
    /// broke, no "create" for what could not be seen, and the token never printed.
    @Test func aFailedLiveReadMakesNoPlanAndNoApply() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        let environment = ["APIMSYNC_TOKEN": "wrong-token-31337"]
        let before = await lab.writes()
        for command in [["plan"], ["apply", "--auto-approve"]] {
            let result = try await run(command + ["--config", lab.configPath, "--env", "ci"], environment: environment)
            #expect(result.status == 1, "\(result.output)")
            #expect(result.output.contains("calls reading APIM failed, so no "), "\(result.output)")
            #expect(result.output.components(separatedBy: "\n").filter { $0.contains("failed:") }.count == 1)
            #expect(!result.output.contains("+ backends/") && !result.output.contains("wrong-token-31337"))
        }
        #expect(await lab.writes() == before)
        await lab.shutdown()
    }

    /// A repository whose apimsync.yaml sits in the current folder with a bare state-file name (the layout
    /// `apimsync export` writes): apply, plan and export all run there.
    @Test func aRepositoryInTheCurrentFolderWithABareStateFileWorks() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-cwd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("resources"), withIntermediateDirectories: true)
        try """
        apiVersion: apimsync/v1
        kind: Config
        spec:
          environments:
            local:
              target: { emulator: state.json }

        """.write(to: root.appendingPathComponent("apimsync.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: apimsync/v1\nkind: Tag\nmetadata: { name: t }\nspec: { displayName: T }\n".write(
            to: root.appendingPathComponent("resources/tags.yaml"), atomically: true, encoding: .utf8)
        let binary = TestPaths.binary
        let applied = try await ChildProcess.run(binary, ["apply"], directory: root)
        #expect(applied.status == 0 && applied.output.contains("1 applied"), "\(applied.output)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("state.json").path))
        #expect(try await ChildProcess.run(binary, ["plan"], directory: root).output.contains("No changes."))
        let exported = try await ChildProcess.run(binary, ["export", "--out", "exported"], directory: root)
        #expect(exported.status == 0, "\(exported.output)")
        #expect(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("exported/resources/tags.yaml").path))
    }
}
