import Emulator
import Foundation
import HTTPTypes
import Model
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct ExamplesTests {
    static let exampleService =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apimService1"

    static func example(_ name: String) throws -> JSONValue? {
        let url = specDirectory().appendingPathComponent("apim/2024-05-01/examples/\(name).json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try loadJSON(url)
    }

    /// The request body of an example, re-targeted from the example's service to ours.
    static func body(_ example: JSONValue, service: String) throws -> JSONValue {
        try retarget(try #require(example["parameters"]?["parameters"]), service: service)
    }

    static func retarget(_ value: JSONValue, service: String) throws -> JSONValue {
        try JSONValue.parse(value.serialized().replacingOccurrences(of: exampleService, with: service))
    }

    @Test func officialExampleRequestsAreAccepted() async throws {
        guard try Self.example("ApiManagementCreatePolicy") != nil else {
            Issue.record("spec/apim/2024-05-01/examples is missing: the official examples cannot be checked")
            return
        }
        try await withEmulator { arm in
            // Service policy (xml).
            let policyExample = try #require(try Self.example("ApiManagementCreatePolicy"))
            let policy = try await arm.call(
                .put, "policies/policy", body: try Self.body(policyExample, service: arm.service))
            #expect(policy.status == 200)
            #expect(policy.json?["type"] == policyExample["responses"]?["200"]?["body"]?["type"])
            #expect(policy.json?["properties"]?["format"] == nil)

            // Operation policy in rawxml: the stored text escapes the lambda as APIM does.
            let nonXml = try #require(try Self.example("ApiManagementCreateApiPolicyNonXmlEncoded"))
            let apiId = try #require(nonXml["parameters"]?["apiId"]?.stringValue)
            try await arm.put("apis/\(apiId)", ["displayName": "Example", "path": "example"])
            let rawPut = try await arm.call(
                .put, "apis/\(apiId)/policies/policy", body: try Self.body(nonXml, service: arm.service),
                headers: ["If-Match": "*"])
            #expect(rawPut.status == 201, "\(rawPut.text)")
            #expect(rawPut.json?["properties"]?["value"]?.stringValue?.contains("h =&gt; h.Ke==\"Via\"") == true)

            // The GetPolicyFormat example body round-trips byte for byte through rawxml.
            let format = try #require(try Self.example("ApiManagementGetPolicyFormat"))
            let expected = try #require(format["responses"]?["200"]?["body"]?["properties"]?["value"]?.stringValue)
            #expect(
                try await arm.put("policies/policy", ["format": "rawxml", "value": .string(expected)]).status == 200)
            let fetched = try await arm.call(.get, "policies/policy", query: "format=rawxml")
            #expect(fetched.json?["properties"] == format["responses"]?["200"]?["body"]?["properties"])

            // Named value from Key Vault.
            let keyVault = try #require(try Self.example("ApiManagementCreateNamedValueWithKeyVault"))
            let named = try await arm.call(
                .put, "namedValues/testprop6", body: try Self.body(keyVault, service: arm.service))
            #expect(named.status == 201)
            let expectedNamed = try #require(keyVault["responses"]?["201"]?["body"])
            #expect(named.json?["properties"]?["displayName"] == expectedNamed["properties"]?["displayName"])
            #expect(named.json?["properties"]?["tags"] == expectedNamed["properties"]?["tags"])
            #expect(
                named.json?["properties"]?["keyVault"]?["secretIdentifier"]
                    == expectedNamed["properties"]?["keyVault"]?["secretIdentifier"])
            #expect(named.json?["properties"]?["value"] == nil)
            #expect(
                named.header("Location")?.contains("/namedValues/testprop6?api-version=2024-05-01&asyncId=") == true)

            // Pool backend: members first.
            let poolExample = try #require(try Self.example("ApiManagementCreateBackendWithPriorityBasedLoadBalancer"))
            for index in 1...4 {
                try await arm.put(
                    "backends/backend-\(index)", ["url": .string("https://b\(index).example.com"), "protocol": "http"])
            }
            let pool = try await arm.call(
                .put, "backends/priority-based-load-balancer", body: try Self.body(poolExample, service: arm.service))
            #expect(pool.status == 201, "\(pool.text)")
            let expectedPool = try Self.retarget(
                try #require(poolExample["responses"]?["201"]?["body"]), service: arm.service)
            #expect(pool.json == expectedPool)

            // API revision from an existing API.
            let revisionExample = try #require(try Self.example("ApiManagementCreateApiRevisionFromExistingApi"))
            let revision = try await arm.call(
                .put, "apis/echo-api;rev=3", body: try Self.body(revisionExample, service: arm.service))
            #expect(revision.status == 201, "\(revision.text)")
            #expect(revision.json?["name"]?.stringValue == "echo-api;rev=3")
            #expect(revision.json?["properties"]?["apiRevision"]?.stringValue == "3")
            #expect(revision.json?["properties"]?["serviceUrl"]?.stringValue == "http://echoapi.cloudapp.net/apiv3")

            // OpenAPI import by link (no download offline: the API is created without operations).
            let importExample = try #require(try Self.example("ApiManagementCreateApiUsingOai3Import"))
            let imported = try await arm.call(
                .put, "apis/petstore", body: try Self.body(importExample, service: arm.service))
            #expect(imported.status == 201, "\(imported.text)")
            #expect(imported.header("Azure-AsyncOperation") != nil)

            // HEAD of an API.
            let head = try await arm.call(.head, "apis/petstore")
            #expect(head.status == 200)
            #expect(head.header("ETag") != nil)

            // listValue.
            try await arm.put("namedValues/testarmTemplateproperties2", ["displayName": "prop2", "value": "propValue"])
            let listValue = try await arm.call(.post, "namedValues/testarmTemplateproperties2/listValue")
            let listExample = try #require(try Self.example("ApiManagementNamedValueListValue"))
            #expect(listValue.json == listExample["responses"]?["200"]?["body"])

            // allPolicies.
            let all = try await arm.call(.get, "allPolicies")
            #expect(all.status == 200)
            let item = try #require(all.json?["value"]?.arrayValue?.first)
            #expect(item["type"]?.stringValue == "Microsoft.ApiManagement/service/allpolicies")
            #expect(item["properties"]?["complianceState"]?.stringValue == "Compliant")
        }
    }
}

@Suite struct PersistenceAndLiveTests {
    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("emulator-\(UUID().uuidString).json").path
    }

    @Test func stateSurvivesARestart() async throws {
        let file = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        var options = EmulatorOptions()
        options.stateFile = file
        try await withEmulator({ $0.stateFile = file }) { arm in
            let created = try await arm.put("tags/persisted", ["displayName": "Persisted"])
            #expect(created.status == 201)
        }
        #expect(FileManager.default.fileExists(atPath: file))
        try await withEmulator({ $0.stateFile = file }) { arm in
            let reply = try await arm.call(.get, "tags/persisted")
            #expect(reply.status == 200)
            #expect(reply.json?["properties"]?["displayName"]?.stringValue == "Persisted")
        }
    }

    @Test func corruptStateFileIsAnError() async throws {
        let file = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data("{\"format\": \"apimsync-emulator-state\", \"version\": 1, \"entities\": [".utf8).write(
            to: URL(fileURLWithPath: file))
        var options = EmulatorOptions()
        options.stateFile = file
        let error = await #expect(throws: EmulatorStateError.self) { _ = try await EmulatorServer.start(options) }
        #expect(error?.description.contains(file) == true)
        // The corrupt file is left alone.
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasSuffix("["))
    }

    @Test func specParsing() throws {
        let faults = try FaultSpec(parsing: "429=0.1,503=0.05,500=0.02,drop=0.02,409=0.01,412=0.01,PUT:503=0.2")
        #expect(faults.rules.count == 7)
        #expect(faults.rules.last == FaultSpec.Rule(method: "PUT", outcome: .status(503), probability: 0.2))
        #expect(faults.rules[3].outcome == .drop)
        #expect(throws: EmulatorSpecError.self) { try FaultSpec(parsing: "200=0.1") }
        #expect(throws: EmulatorSpecError.self) { try FaultSpec(parsing: "429=2") }
        #expect(try LatencySpec(parsing: "20:5") == LatencySpec(meanMilliseconds: 20, jitterMilliseconds: 5))
        #expect(try LatencySpec(parsing: "20") == LatencySpec(meanMilliseconds: 20))
        #expect(throws: EmulatorSpecError.self) { try LatencySpec(parsing: "fast") }
    }

    static func fetch(_ url: String, token: Bool = true) async throws -> (Int, Data) {
        var request = URLRequest(url: try #require(URL(string: url)))
        if token { request.setValue("Bearer live", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test func liveServerOnAnEphemeralPort() async throws {
        let emulator = try await EmulatorServer.start(EmulatorOptions())
        #expect(emulator.port > 0)
        #expect(emulator.baseURL == "http://127.0.0.1:\(emulator.port)")
        let (status, data) = try await Self.fetch(
            emulator.baseURL + emulator.servicePath + "/apis?api-version=2024-05-01")
        #expect(status == 200)
        let body = try JSONValue.parse(String(decoding: data, as: UTF8.self))
        #expect(body["value"]?.arrayValue?.first?["id"]?.stringValue == emulator.servicePath + "/apis/echo-api")
        let (unauthorized, _) = try await Self.fetch(
            emulator.baseURL + emulator.servicePath + "/apis?api-version=2024-05-01", token: false)
        #expect(unauthorized == 401)
        let stats = await emulator.stats()
        #expect(stats.totalRequests == 2)
        #expect(stats.byStatus[401] == 1)
        await emulator.reset()
        #expect(await emulator.stats().totalRequests == 0)
        try await emulator.shutdown()
    }

    @Test func droppedConnectionsGetNoAnswer() async throws {
        var options = EmulatorOptions()
        options.faults = FaultSpec(rules: [.init(outcome: .drop, probability: 1)])
        let emulator = try await EmulatorServer.start(options)
        await #expect(throws: (any Error).self) {
            _ = try await Self.fetch(emulator.baseURL + emulator.servicePath + "/apis?api-version=2024-05-01")
        }
        try await emulator.shutdown()
    }

    @Test func loopbackBenchmarkRuns() async throws {
        let emulator = try await EmulatorServer.start(EmulatorOptions())
        let result = try await EmulatorBenchmark.gets(emulator: emulator, count: 400, connections: 4)
        try await emulator.shutdown()
        #expect(result.requests == 400)
        #expect(result.failures == 0)
        #expect(result.requestsPerSecond > 0)
    }

    @Test func latencyIsInjected() async throws {
        var options = EmulatorOptions()
        options.latency = LatencySpec(meanMilliseconds: 150)
        let emulator = try await EmulatorServer.start(options)
        let started = ContinuousClock.now
        _ = try await Self.fetch(emulator.baseURL + emulator.servicePath + "/apis?api-version=2024-05-01")
        #expect(ContinuousClock.now - started >= .milliseconds(140))
        try await emulator.shutdown()
    }
}
