import Foundation
import Model
import TestSupport
import Testing

@testable import Gateway

/// The official `openai` Python package (installed by `.ci/run`) talks to the gateway unchanged.
@Suite("The official openai Python package against the local gateway")
struct OpenAISDKTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("OpenAISDK/check_openai.py")

    @Test("chat completions and embeddings answered, failover, and RateLimitError once the budget is spent")
    func openAIPackage() async throws {
        let python = URL(fileURLWithPath: "/usr/bin/env")
        let probe = try await ChildProcess.run(python, ["python3", "-c", "import openai"])
        try #require(probe.status == 0, "the openai package is not installed: pip install openai (.ci/run does)")
        let snapshot = try LabScenarioTests.snapshot()
        let clock = ManualGatewayClock()
        let gateway = try await GatewayServer.start(
            GatewayFront(gateway: LocalGateway(snapshot: snapshot, clock: clock), manualClock: clock))
        let key = GatewaySnapshot.defaultKeys("team-a").primary
        let result = try await ChildProcess.run(python, ["python3", Self.script.path, gateway.baseURL, key])
        try await gateway.shutdown()
        #expect(result.status == 0, Comment(rawValue: result.output))
        #expect(result.output.contains("chat: 200 from apimaoai02 while apimaoai01 answers 429"))
        #expect(
            result.output.contains("budget spent: RateLimitError, Retry-After 60"), Comment(rawValue: result.output))
    }
}
