import Executor
import ManagementClient
import Model
import Planner
import Synchronization
import Testing

/// The executor against a recording stand-in for the management API: no sockets, every write observed.
@Suite struct ExecutorTests {
    /// Records each write as it starts and finishes; paths listed in `failing` answer with an error, and a write
    /// to a path in `holding` waits until the test releases it.
    final class RecordingAPI: ManagementAPI {
        struct Log: Sendable {
            var started: [String] = []
            var finished: [String] = []
            var inFlight: Set<String> = []
            var overlaps: [Set<String>] = []
        }
        let servicePath = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ApiManagement/service/apim"
        let failing: Set<String>
        let log = Mutex(Log())
        let bodies = Mutex([String: JSONValue]())

        init(failing: Set<String> = []) {
            self.failing = failing
        }

        func write(_ path: String, body: JSONValue?, ifMatch: String?) async throws {
            try await record(path) { bodies.withLock { $0[path] = body ?? .null } }
        }

        func remove(_ path: String, ifMatch: String?) async throws {
            try await record("DELETE " + path) {}
        }

        private func record(_ entry: String, _ effect: () -> Void) async throws {
            log.withLock {
                $0.started.append(entry)
                $0.inFlight.insert(entry)
                $0.overlaps.append($0.inFlight)
            }
            await Task.yield()
            log.withLock {
                $0.inFlight.remove(entry)
                $0.finished.append(entry)
            }
            if failing.contains(entry) { throw TestError(entry) }
            effect()
        }

        var started: [String] { log.withLock { $0.started } }
        var overlaps: [Set<String>] { log.withLock { $0.overlaps } }
    }

    struct TestError: Error, CustomStringConvertible {
        var description: String
        init(_ path: String) { description = "injected failure of \(path)" }
    }

    static func change(
        _ id: ResourceID, _ action: ResourceChange.Action = .create, needs: Set<ResourceID> = [],
        fields: [FieldChange] = []
    ) -> ResourceChange {
        ResourceChange(
            id: id, action: action, fields: fields, properties: ["displayName": "x"], dependencies: needs)
    }

    static func desired(_ changes: [ResourceChange]) -> State {
        State(changes.filter { $0.action != .delete }.map { Resource(id: $0.id, properties: $0.properties ?? .null) })
    }

    @Test func dependenciesAreWrittenFirstAndDeletesLast() async throws {
        let logger = ResourceID(.logger, "ai")
        let diagnostic = ResourceID(.diagnostic, "applicationinsights")
        let old = ResourceID(.backend, "old")
        let plan = Plan(changes: [
            Self.change(diagnostic, needs: [logger]), Self.change(logger), Self.change(old, .delete),
        ])
        let api = RecordingAPI()
        let report = await Executor(api: api).apply(plan, desired: Self.desired(plan.changes))
        #expect(report.succeeded)
        let started = api.started
        let loggerIndex = try #require(started.firstIndex(of: "loggers/ai"))
        let diagnosticIndex = try #require(started.firstIndex(of: "diagnostics/applicationinsights"))
        #expect(loggerIndex < diagnosticIndex)
        #expect(started.last == "DELETE backends/old", "deletes wait for every write: \(started)")
    }

    @Test func aFailureSkipsOnlyWhatDependsOnIt() async {
        let broken = ResourceID(.namedValue, "broken")
        let dependant = ResourceID(.backend, "uses-broken")
        let grandchild = ResourceID(.backend, "pool")
        let independent = ResourceID(.tag, "aoai")
        let plan = Plan(changes: [
            Self.change(broken), Self.change(dependant, needs: [broken]), Self.change(grandchild, needs: [dependant]),
            Self.change(independent),
        ])
        let api = RecordingAPI(failing: ["namedValues/broken"])
        let report = await Executor(api: api).apply(plan, desired: Self.desired(plan.changes))
        let outcomes = Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.change.id, $0.outcome) })
        #expect(outcomes[broken] == .failed("injected failure of namedValues/broken"))
        #expect(outcomes[dependant] == .skipped(because: broken))
        #expect(outcomes[grandchild] == .skipped(because: dependant))
        #expect(outcomes[independent] == .applied)
        #expect(!api.started.contains("backends/uses-broken") && !api.started.contains("backends/pool"))
        #expect(report.applied == 1 && report.failed == 1 && report.skipped == 2)
    }

    @Test func aFailedWriteSkipsEveryDeleteAndDeletesKeepTheirOwnOrder() async throws {
        let broken = ResourceID(.namedValue, "broken")
        let pool = ResourceID(.backend, "old-pool")
        let member = ResourceID(.backend, "old-member")
        let fine = ResourceID(.tag, "fine")
        // The pool is deleted before the member it points to (the planner makes such a delete depend on the other).
        let deletes = [Self.change(pool, .delete), Self.change(member, .delete, needs: [pool])]

        let failing = RecordingAPI(failing: ["namedValues/broken"])
        var plan = Plan(changes: [Self.change(broken), Self.change(fine)] + deletes)
        var report = await Executor(api: failing).apply(plan, desired: Self.desired(plan.changes))
        var outcomes = Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.change.id, $0.outcome) })
        #expect(outcomes[fine] == .applied)
        #expect(outcomes[pool] == .skipped(because: broken) && outcomes[member] == .skipped(because: broken))
        #expect(!failing.started.contains { $0.hasPrefix("DELETE") }, "\(failing.started)")

        let api = RecordingAPI()
        plan = Plan(changes: deletes.reversed() + [Self.change(fine)])
        report = await Executor(api: api).apply(plan, desired: Self.desired(plan.changes))
        outcomes = Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.change.id, $0.outcome) })
        #expect(report.succeeded)
        let started = api.started
        let poolIndex = try #require(started.firstIndex(of: "DELETE backends/old-pool"))
        let memberIndex = try #require(started.firstIndex(of: "DELETE backends/old-member"))
        #expect(started.first == "tags/fine" && poolIndex < memberIndex, "\(started)")
    }

    @Test func writesToOneAPIAndItsChildrenNeverOverlap() async {
        let api = ResourceID(.api, "aoai")
        var changes = [Self.change(api)]
        for index in 0..<6 {
            changes.append(Self.change(ResourceID(.apiDiagnostic, "aoai", "d\(index)")))
            changes.append(Self.change(ResourceID(.tag, "t\(index)")))
        }
        let recorder = RecordingAPI()
        let report = await Executor(api: recorder).apply(Plan(changes: changes), desired: Self.desired(changes))
        #expect(report.succeeded)
        for overlap in recorder.overlaps {
            #expect(overlap.filter { $0.hasPrefix("apis/aoai") }.count <= 1, "writes to one API overlapped: \(overlap)")
        }
        // The lock is per API, not global: tag writes ran beside the API's.
        #expect(recorder.overlaps.contains { $0.count > 1 })
    }

    @Test func secretValuesAreSentOnlyForTheirOwnNamedValue() async {
        let secret = ResourceID(.namedValue, "key")
        var resource = Resource(id: secret, properties: ["displayName": "key", "secret": true])
        resource.secrets = ["value": .environment("KEY")]
        let plan = Plan(changes: [Self.change(secret), Self.change(ResourceID(.tag, "t"))])
        let api = RecordingAPI()
        var desired = Self.desired(plan.changes)
        desired.insert(resource)
        let report = await Executor(api: api).apply(plan, desired: desired, secretValues: [secret: ["value": "s3cr3t"]])
        #expect(report.succeeded)
        let bodies = api.bodies.withLock { $0 }
        #expect(bodies["namedValues/key"]?["properties"]?["value"] == "s3cr3t")
        #expect(bodies["tags/t"]?.serialized().contains("s3cr3t") == false)
    }

    @Test func aSecretWithoutItsValueFailsWithoutARequest() async {
        let secret = ResourceID(.namedValue, "key")
        var resource = Resource(id: secret, properties: ["displayName": "key", "secret": true])
        resource.secrets = ["value": .environment("KEY")]
        let plan = Plan(changes: [Self.change(secret)])
        let api = RecordingAPI()
        let report = await Executor(api: api).apply(plan, desired: State([resource]))
        #expect(report.failed == 1)
        #expect(api.started.isEmpty)
    }
}
