import Model
import Planner
import Synchronization
import Testing

@testable import Executor

@Suite struct KeyedLocksTests {
    @Test func writesToOneAPIAndItsChildrenShareALock() {
        func key(_ id: ResourceID, _ action: ResourceChange.Action = .update, fields: [String] = []) -> String? {
            KeyedLocks.key(
                for: ResourceChange(
                    id: id, action: action, fields: fields.map { FieldChange(path: $0, before: "a", after: "b") }))
        }
        #expect(key(ResourceID(.api, "AOAI")) == "apis/aoai")
        #expect(key(ResourceID(.apiOperationPolicy, "aoai", "chat"), .create) == "apis/aoai")
        #expect(key(ResourceID(.apiDiagnostic, "aoai", "applicationinsights")) == "apis/aoai")
        #expect(key(ResourceID(.backend, "b")) == nil)
        #expect(key(ResourceID(.productApi, "gold", "aoai"), .create) == nil)
        // Renames of named values are serialised; creates and value changes run in parallel.
        #expect(key(ResourceID(.namedValue, "a"), fields: ["displayName"]) == "namedValues")
        #expect(
            key(ResourceID(.namedValue, "a"), fields: ["displayName"])
                == key(ResourceID(.namedValue, "b"), fields: ["displayName", "value"]))
        #expect(key(ResourceID(.namedValue, "a"), .create, fields: ["displayName", "value"]) == nil)
        #expect(key(ResourceID(.namedValue, "a"), fields: ["value"]) == nil)
        #expect(
            KeyedLocks.key(
                for: ResourceChange(id: ResourceID(.namedValue, "a"), action: .create), wholeKind: true)
                == "namedValues")
    }

    @Test func aWaiterGetsTheLockOnlyAfterItIsReleased() async {
        let locks = KeyedLocks()
        let acquired = Mutex(false)
        await locks.acquire("k")
        let second = Task {
            await locks.acquire("k")
            acquired.withLock { $0 = true }
        }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(acquired.withLock { $0 } == false)
        await locks.release("k")
        await second.value
        #expect(acquired.withLock { $0 })
        await locks.release("k")
    }
}
