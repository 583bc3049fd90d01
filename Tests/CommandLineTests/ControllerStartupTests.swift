import Emulator
import Foundation
import ManagementClient
import Model
import TestSupport
import Testing

/// Rough edge 7: `apimsync controller` as a container runs it: it binds its port before its first cycle, and what
/// it tells log collectors and Prometheus is typed and described.
@Suite(.timeLimit(.minutes(1))) struct ControllerStartupTests {
    static let environment = ["APIMSYNC_TOKEN": "test-token", "APPINSIGHTS_CONNECTION_STRING": "InstrumentationKey=x"]

    /// The lab with an `endpoint:` environment `ci` for its emulator, and a controller on it as a container runs it.
    static func startController(listen: String = "127.0.0.1:0") async throws -> (LabHarness, ChildProcess) {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        return (lab, try controller(lab, listen: listen))
    }

    static func controller(_ lab: LabHarness, listen: String) throws -> ChildProcess {
        try ChildProcess.start(
            TestPaths.binary,
            [
                "controller", "--config", lab.configPath, "--env", "ci", "--interval", "1h", "--listen", listen,
                "--log-format", "json",
            ],
            environment: environment)
    }

    /// A port that is taken: one clean error, exit 1, and no request to APIM at all (no cycle, so no write).
    @Test func roughEdge7_aTakenPortStopsTheControllerBeforeItsFirstCycle() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let lab = try await LabHarness()
        try lab.addEndpointEnvironment()
        let squatter = try await EmulatorServer.start(EmulatorOptions())
        let before = await lab.emulator.stats().totalRequests

        let child = try Self.controller(lab, listen: "127.0.0.1:\(squatter.port)")
        let result = await child.finished()

        #expect(result.reason == .exit && result.status == 1, "\(result.output)")
        #expect(result.output.contains("error: cannot listen on 127.0.0.1:\(squatter.port)"), "\(result.output)")
        #expect(result.output.contains("Address already in use"), "\(result.output)")
        #expect(!result.output.contains("CancellationError"), "\(result.output)")
        #expect(!result.output.contains("cycle finished"), "\(result.output)")
        #expect(await lab.emulator.stats().totalRequests == before)
        try await squatter.shutdown()
        await lab.shutdown()
    }

    /// Counts and durations in JSON logs are JSON numbers, so a log query can compare them.
    @Test func roughEdge7_jsonLogsWriteNumbersAsNumbers() async throws {
        let (lab, child) = try await Self.startController()
        try await Eventually.waitUntil { child.outputSoFar().contains("cycle finished") }
        child.process.terminate()
        let result = await child.finished()

        let lines = result.output.split(separator: "\n").compactMap { try? JSONValue.parse(Array($0.utf8)) }
        let started = try #require(lines.first { $0["message"]?.stringValue == "controller started" })
        #expect(started["interval_seconds"]?.numberValue == 3600, "\(started.serialized())")
        let cycle = try #require(lines.first { $0["message"]?.stringValue == "cycle finished" })
        for field in ["planned", "applied", "failed", "seconds", "next_in_seconds"] {
            #expect(cycle[field]?.numberValue != nil, "\(field) in \(cycle.serialized())")
        }
        #expect(cycle["applied"]?.numberValue ?? 0 > 0)
        #expect(cycle["result"]?.stringValue == "InSync")
        await lab.shutdown()
    }

    /// Every metric on `/metrics` has a `# HELP` line before its `# TYPE` line.
    @Test func roughEdge7_metricsHaveHelpLines() async throws {
        let (lab, child) = try await Self.startController()
        var port: Int?
        try await Eventually.waitUntil {
            port = child.outputSoFar().firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }
            return port != nil && child.outputSoFar().contains("cycle finished")
        }
        let response = try await TestTools.get("http://127.0.0.1:\(try #require(port))/metrics")
        child.process.terminate()
        _ = await child.finished()

        let lines = String(decoding: response.body, as: UTF8.self).split(separator: "\n").map(String.init)
        let types = lines.filter { $0.hasPrefix("# TYPE ") }
        #expect(types.count >= 9, "\(lines)")
        for type in types {
            let name = type.split(separator: " ")[2]
            let index = try #require(lines.firstIndex(of: type))
            #expect(
                index > 0 && lines[index - 1].hasPrefix("# HELP \(name) ") && lines[index - 1].count > 12 + name.count,
                "\(name): \(lines)")
        }
        await lab.shutdown()
    }
}
