import Foundation
import ManagementClient
import Model
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `apimsync test` and `apimsync emulator --gateway-port` through the real binary, over copies of the lab
/// (`Tests/Fixtures/lab`): the lab's scenarios pass, each fails when the manifest setting it guards is broken, and
/// the gateway beside the emulator serves what was applied through ARM.
@Suite(.timeLimit(.minutes(5))) struct GatewayCommandTests {
    /// A copy of the lab in a temporary folder, removed when the test ends.
    struct LabCopy: ~Copyable {
        let root: URL
        var config: String { root.appendingPathComponent("apimsync.yaml").path }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-gw-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: TestPaths.lab, to: root)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        /// Replaces `old` with `new` in the file at `path` (relative to the lab); the text must be there.
        func replace(_ path: String, _ old: String, _ new: String) throws {
            let url = root.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            guard text.contains(old) else { throw TestSupportError("\(path) no longer contains \(old)") }
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }

        func write(_ path: String, _ text: String) throws {
            try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
    }

    static let scenarios = [
        "circuit-breaker-trips-and-recovers", "failover-to-apimaoai02", "gold-tier-token-budget",
        "managed-identity-reaches-the-backend", "no-retry-beyond-count", "unknown-deployment-gets-404",
    ]

    @Test func theLabScenariosPassAgainstTheAppliedRepository() async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        let junit = lab.root.appendingPathComponent("out/junit.xml").path
        try FileManager.default.createDirectory(
            atPath: lab.root.appendingPathComponent("out").path, withIntermediateDirectories: true)
        let result = try await ChildProcess.apimsync(["test", "--config", lab.config, "--junit-file", junit])
        #expect(result.status == 0, "\(result.output)")
        for name in Self.scenarios { #expect(result.output.contains("PASS \(name) ("), "\(result.output)") }
        #expect(result.output.contains("6 passed, 0 failed"), "\(result.output)")

        // The JUnit report is well-formed XML with one passing test case per scenario.
        let data = try Data(contentsOf: URL(fileURLWithPath: junit))
        let document = try XMLDocument(data: data)
        let suite = try #require(try document.nodes(forXPath: "/testsuites/testsuite").first as? XMLElement)
        #expect(suite.attribute(forName: "tests")?.stringValue == "6")
        #expect(suite.attribute(forName: "failures")?.stringValue == "0")
        let cases = try document.nodes(forXPath: "//testcase").compactMap { ($0 as? XMLElement) }
        #expect(cases.compactMap { $0.attribute(forName: "name")?.stringValue }.sorted() == Self.scenarios)
        #expect(try document.nodes(forXPath: "//failure").isEmpty)
    }

    /// Production turns on the semantic cache (overlays/prod): the lab's scenarios still pass, and a repeated prompt
    /// is answered from the cache there, never locally.
    @Test func productionRunsItsSemanticCache() async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        let production = try await ChildProcess.apimsync(["test", "--config", lab.config, "--env", "prod"])
        #expect(production.status == 0, "\(production.output)")
        #expect(production.output.contains("6 passed, 0 failed"), "\(production.output)")
        try lab.write(
            "tests/semantic-cache.yaml",
            """
            apiVersion: apimsync/v1
            kind: GatewayTest
            metadata: { name: repeated-prompt-from-the-cache }
            spec:
              steps:
                - request: &ask
                    method: POST
                    path: /aoai/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21
                    subscription: team-a
                    body: { messages: [{ role: user, content: What is APIM? }] }
                  expect: { status: 200 }
                - request: *ask
                  expect: { status: 200 }
              expect:
                backendCalls: { apimaoai01.openai.azure.com: 1 }

            """)
        let cached = try await ChildProcess.apimsync([
            "test", "--config", lab.config, "--env", "prod", "--filter", "repeated",
        ])
        #expect(cached.status == 0, "\(cached.output)")
        let local = try await ChildProcess.apimsync(["test", "--config", lab.config, "--filter", "repeated"])
        #expect(local.status == 1, "\(local.output)")
        #expect(
            local.output.contains("apimaoai01.openai.azure.com received 2 request(s), expected 1"), "\(local.output)")
    }

    @Test func filterRunsOnlyTheNamedScenariosAndJUnitGoesToStandardOutput() async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        let result = try await ChildProcess.apimsync([
            "test", "--config", lab.config, "--filter", "failover", "--output", "junit",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains(#"<testsuite name="apimsync test" tests="1" failures="0" skipped="0">"#))
        #expect(result.output.contains(#"<testcase name="failover-to-apimaoai02""#))
        let none = try await ChildProcess.apimsync(["test", "--config", lab.config, "--filter", "no-such-scenario"])
        #expect(none.status == 1)
        #expect(none.output.contains("no scenario name contains 'no-such-scenario'"), "\(none.output)")
    }

    @Test func theTestsFolderIsConfigurableAndARepositoryWithoutTestsPasses() async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        try FileManager.default.moveItem(
            at: lab.root.appendingPathComponent("tests"), to: lab.root.appendingPathComponent("gateway-tests"))
        let none = try await ChildProcess.apimsync(["test", "--config", lab.config])
        #expect(none.status == 0, "\(none.output)")
        #expect(none.output.contains("warning: no gateway tests (kind: GatewayTest) in "), "\(none.output)")
        let moved = try await ChildProcess.apimsync(["test", "--config", lab.config, "--tests", "gateway-tests"])
        #expect(moved.status == 0, "\(moved.output)")
        #expect(moved.output.contains("6 passed, 0 failed"), "\(moved.output)")
    }

    /// A manifest setting a scenario guards, broken on purpose.
    struct Breakage: Sendable, CustomStringConvertible {
        var scenario: String
        var file: String
        var old: String
        var new: String
        var description: String { "\(scenario): \(new)" }
    }

    static let gateway = "resources/aoai-gateway.yaml"
    static let breakages = [
        Breakage(
            scenario: "failover-to-apimaoai02", file: gateway, old: "retry: { on: [429, 503], count: auto }",
            new: "retry: { on: [429, 503], count: 0 }"),
        // apimsync refuses a count above the pool's size − 1, so the pool grows: `count: auto` becomes 2 retries.
        Breakage(
            scenario: "no-retry-beyond-count", file: gateway, old: "  routing: { by: deployment }",
            new:
                #"    - { name: apimaoai03, endpoint: "https://apimaoai03.openai.azure.com", priority: 3, weight: 50, "#
                + "deployments: [gpt-4o] }\n  routing: { by: deployment }"),
        Breakage(
            scenario: "circuit-breaker-trips-and-recovers", file: gateway, old: "acceptRetryAfter: true",
            new: "acceptRetryAfter: false"),
        Breakage(
            scenario: "gold-tier-token-budget", file: gateway, old: "tokensPerMinute: 50000",
            new: "tokensPerMinute: 500000"),
        Breakage(
            scenario: "unknown-deployment-gets-404", file: gateway,
            old: "deployments: [gpt-4o, text-embedding-3-small]",
            new: "deployments: [gpt-4o, text-embedding-3-small, gpt-35-turbo]"),
        Breakage(
            scenario: "managed-identity-reaches-the-backend", file: gateway, old: "auth: { mode: managedIdentity }",
            new: "auth: { mode: apiKey }"),
    ]

    @Test(arguments: breakages)
    func eachScenarioFailsWhenTheSettingItGuardsIsBroken(_ breakage: Breakage) async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        try lab.replace(breakage.file, breakage.old, breakage.new)
        let result = try await ChildProcess.apimsync(["test", "--config", lab.config])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("FAIL \(breakage.scenario) ("), "\(result.output)")
        #expect(result.output.contains("policy trace:"), "\(result.output)")
        // The other scenarios are unaffected by this setting, or fail for the same reason: never unsupported.
        #expect(!result.output.contains("UNSUPPORTED"), "\(result.output)")
    }

    @Test func anUnsupportedStatementIsReportedUnsupportedNotPassed() async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        try lab.replace(
            "policies/aoai-chat.xml", "<base />\n        <set-header",
            "<base />\n        <validate-jwt header-name=\"Authorization\" />\n        <set-header")
        let junit = lab.root.appendingPathComponent("junit.xml").path
        let result = try await ChildProcess.apimsync([
            "test", "--config", lab.config, "--filter", "failover", "--junit-file", junit,
        ])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("UNSUPPORTED failover-to-apimaoai02 ("), "\(result.output)")
        #expect(result.output.contains("statement <validate-jwt> at "), "\(result.output)")
        #expect(result.output.contains("policies/aoai-chat.xml:"), "\(result.output)")
        #expect(result.output.contains("0 passed, 0 failed, 1 unsupported"), "\(result.output)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"skipped="1""#), "\(xml)")
    }

    @Test func aScenarioFileWithErrorsIsReportedAtItsLineAndColumn() async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        try lab.write(
            "tests/broken.yaml",
            """
            apiVersion: apimsync/v1
            kind: GatewayTest
            metadata: { name: broken }
            spec:
              steps:
                - request: { method: GET, pth: /x }

            """)
        let result = try await ChildProcess.apimsync(["test", "--config", lab.config])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("tests/broken.yaml:6:31: error: unknown field 'pth'"), "\(result.output)")
        #expect(!result.output.contains("PASS"), "no scenario runs when a file has errors: \(result.output)")
    }

    @Test func theEmulatorServesTheGatewayOfWhatWasApplied() async throws {
        try #require(TestPaths.binaryIsBuilt)
        let lab = try LabCopy()
        let emulator = try ChildProcess.start(TestPaths.binary, ["emulator", "--port", "0", "--gateway-port", "0"])
        defer { emulator.process.terminate() }
        var ports: (management: Int, gateway: Int)?
        try await Eventually.waitUntil {
            let output = emulator.outputSoFar()
            guard
                let management = output.firstMatch(
                    of: /^listening on http:\/\/127\.0\.0\.1:(\d+)/.anchorsMatchLineEndings()),
                let gateway = output.firstMatch(of: /gateway listening on http:\/\/127\.0\.0\.1:(\d+)/),
                let managementPort = Int(management.1), let gatewayPort = Int(gateway.1)
            else { return false }
            ports = (managementPort, gatewayPort)
            return true
        }
        let (managementPort, gatewayPort) = try #require(ports)
        let gateway = "http://127.0.0.1:\(gatewayPort)"
        let chat = gateway + "/aoai/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
        let body = Array(#"{"messages":[{"role":"user","content":"Hello"}]}"#.utf8)
        func post(_ key: String) async throws -> TransportResponse {
            try await AsyncHTTPTransport.shared.send(
                TransportRequest(
                    method: "POST", url: chat, headers: [("api-key", key), ("Content-Type", "application/json")],
                    body: body), timeout: .seconds(10))
        }

        // Nothing applied yet: the gateway knows no API.
        #expect(try await post("none").status == 404)

        let options = (subscription: "00000000-0000-0000-0000-000000000000", group: "rg-ai-gateway")
        try lab.replace(
            "apimsync.yaml", "  environments:\n",
            """
              environments:
                ci:
                  target:
                    endpoint: http://127.0.0.1:\(managementPort)
                    subscriptionId: \(options.subscription)
                    resourceGroup: \(options.group)
                    service: enterpriseapim
                    auth: token
                  variables:
                    aoai01: https://apimaoai01.openai.azure.com
                    aoai02: https://apimaoai02.openai.azure.com
                    appinsightsResourceId: /subscriptions/\(options.subscription)/resourceGroups/\(options.group)/providers/microsoft.insights/components/appi-ai-gateway

            """)
        let applied = try await ChildProcess.apimsync(
            ["apply", "--config", lab.config, "--env", "ci", "--auto-approve"],
            environment: ["APIMSYNC_TOKEN": "emulator", "APPINSIGHTS_CONNECTION_STRING": "InstrumentationKey=x"])
        #expect(applied.status == 0, "\(applied.output)")

        let service =
            "http://127.0.0.1:\(managementPort)/subscriptions/\(options.subscription)/resourceGroups/\(options.group)"
            + "/providers/Microsoft.ApiManagement/service/enterpriseapim"
        let secrets = try await AsyncHTTPTransport.shared.send(
            TransportRequest(
                method: "POST", url: service + "/subscriptions/team-a/listSecrets?api-version=2024-05-01",
                headers: [("Authorization", "Bearer emulator")]), timeout: .seconds(10))
        let key = try #require(try JSONValue.parse(secrets.body)["primaryKey"]?.stringValue)

        let answered = try await post(key)
        #expect(answered.status == 200, "\(String(decoding: answered.body, as: UTF8.self))")
        #expect(answered.header("x-apimsync-backend") == "aoai-apimaoai01")

        // Scripted over HTTP: apimaoai01 throttles, the applied retry reaches apimaoai02.
        let mock = try await AsyncHTTPTransport.shared.send(
            TransportRequest(
                method: "PUT", url: gateway + "/_emulator/mocks/apimaoai01.openai.azure.com",
                body: Array(#"{"responses": [{"status": 429, "headers": {"Retry-After": "10"}}]}"#.utf8)),
            timeout: .seconds(10))
        #expect(mock.status == 200)
        let failedOver = try await post(key)
        #expect(failedOver.status == 200)
        #expect(failedOver.header("x-apimsync-backend") == "aoai-apimaoai02")

        // A change applied through ARM is what the gateway serves next: the subscription is suspended.
        let suspended = try await AsyncHTTPTransport.shared.send(
            TransportRequest(
                method: "PATCH", url: service + "/subscriptions/team-a?api-version=2024-05-01",
                headers: [
                    ("Authorization", "Bearer emulator"), ("If-Match", "*"), ("Content-Type", "application/json"),
                ],
                body: Array(#"{"properties": {"state": "suspended"}}"#.utf8)), timeout: .seconds(10))
        #expect(suspended.status == 200, "\(String(decoding: suspended.body, as: UTF8.self))")
        #expect(try await post(key).status == 401)
    }
}
