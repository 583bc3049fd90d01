import Emulator
import Foundation
import Logging
import ManagementClient
import Model
import Testing

/// The live read against the emulator with two items per page: every page read, children listed only where
/// their parent exists, and a failed list reported rather than taken as empty.
@Suite struct LiveStateReaderTests {
    static let policy = "<policies><inbound><base /></inbound><backend><base /></backend><outbound /></policies>"

    static func emulator(faults: String = "") async throws -> RunningEmulator {
        var options = EmulatorOptions()
        options.subscriptionId = Fixture.subscription
        options.resourceGroup = Fixture.resourceGroup
        options.serviceName = Fixture.service
        options.token = Fixture.token
        options.pageSize = 2
        options.faults = try FaultSpec(parsing: faults)
        return try await EmulatorServer.start(options)
    }

    static func client(_ emulator: RunningEmulator) throws -> ARMClient {
        var retry = RetryPolicy.fast
        retry.maxAttempts = 2
        return try ARMClient(
            configuration: Fixture.configuration(emulator.baseURL, retry: retry, pacing: .unlimited(maxConcurrency: 4)),
            credential: StaticTokenCredential(token: Fixture.token), jitter: JitterSource(seed: 3),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Five APIs of three operations each, policies on two APIs and on one operation.
    static func seed(_ client: ARMClient) async throws {
        for api in 1...5 {
            _ = try await client.put(
                ResourceID(.api, "a\(api)"),
                properties: ["displayName": .string("A\(api)"), "path": .string("a\(api)"), "protocols": ["https"]])
            for operation in 1...3 {
                _ = try await client.put(
                    ResourceID(.apiOperation, "a\(api)", "op\(operation)"),
                    properties: [
                        "displayName": .string("Op \(operation)"), "method": "GET",
                        "urlTemplate": .string("/op\(operation)"),
                    ])
            }
        }
        let policies = [
            ResourceID(.apiPolicy, "a1"), ResourceID(.apiPolicy, "a3"), ResourceID(.apiOperationPolicy, "a2", "op1"),
        ]
        for id in policies {
            _ = try await client.put(id, properties: ["format": "rawxml", "value": .string(policy)])
        }
    }

    static func request(apis: [String]) -> LiveStateReader.Request {
        LiveStateReader.Request(
            kinds: [.api],
            children: Dictionary(uniqueKeysWithValues: apis.map { (ResourceID(.api, $0), [ResourceKind.apiOperation]) })
        )
    }

    @Test func readsEveryPageAndListsChildrenOnlyOfAPIsThatExist() async throws {
        let emulator = try await Self.emulator()
        defer { Task { try? await emulator.shutdown() } }
        let client = try Self.client(emulator)
        try await Self.seed(client)
        let before = await emulator.stats()

        let result = await LiveStateReader(client: client).read(
            Self.request(apis: ["a1", "a2", "a3", "a4", "a5", "ghost"]))

        let after = await emulator.stats()
        func delta(_ key: String) -> Int { (after.byMethodAndKind[key] ?? 0) - (before.byMethodAndKind[key] ?? 0) }
        #expect(result.errors.isEmpty)
        #expect(result.incompleteKinds.isEmpty)
        #expect(Set(result.state.resources(of: .api).map(\.id.name)).isSuperset(of: ["a1", "a2", "a3", "a4", "a5"]))
        #expect(result.state.resources(of: .apiOperation).count == 15)
        #expect(
            Set(result.state.resources.keys.filter(\.kind.isPolicy)) == [
                ResourceID(.apiPolicy, "a1"), ResourceID(.apiPolicy, "a3"),
                ResourceID(.apiOperationPolicy, "a2", "op1"),
            ])
        // Content as APIM stores it (re-serialised, so not byte-equal to what was written).
        #expect(
            result.state[ResourceID(.apiPolicy, "a1")]?.properties["value"]?.stringValue?.contains("<backend>") == true)
        // Three operations at two per page: two pages for each API that exists, none for the missing one.
        #expect(delta("GET apis/operations") == 10)
        #expect((after.byStatus[404] ?? 0) == (before.byStatus[404] ?? 0))
        // Every page of the API list, and nothing read twice.
        let apiCount = try await client.list("apis").count
        #expect(delta("GET apis") == (apiCount + 1) / 2)
        #expect(delta("GET apis/policies") == 2)
        #expect(delta("GET apis/operations/policies") == 1)
    }

    @Test func aFailedListIsReportedAndItsKindMarkedIncomplete() async throws {
        let emulator = try await Self.emulator(faults: "GET:500@apis=1")
        defer { Task { try? await emulator.shutdown() } }
        let client = try Self.client(emulator)
        try await Self.seed(client)

        let result = await LiveStateReader(client: client).read(Self.request(apis: ["a1", "a2"]))

        #expect(result.incompleteKinds == [.api])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.contains("GET apis") == true)
        #expect(result.state.resources(of: .api).isEmpty)
    }
}
