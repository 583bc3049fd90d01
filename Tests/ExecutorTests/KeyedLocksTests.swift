import Model
import Synchronization
import Testing

@testable import Executor

@Suite struct KeyedLocksTests {
    @Test func writesToOneAPIAndItsChildrenShareALock() {
        #expect(KeyedLocks.key(for: ResourceID(.api, "AOAI")) == "apis/aoai")
        #expect(KeyedLocks.key(for: ResourceID(.apiOperationPolicy, "aoai", "chat")) == "apis/aoai")
        #expect(KeyedLocks.key(for: ResourceID(.apiDiagnostic, "aoai", "applicationinsights")) == "apis/aoai")
        #expect(KeyedLocks.key(for: ResourceID(.namedValue, "a")) == KeyedLocks.key(for: ResourceID(.namedValue, "b")))
        #expect(KeyedLocks.key(for: ResourceID(.backend, "b")) == nil)
        #expect(KeyedLocks.key(for: ResourceID(.productApi, "gold", "aoai")) == nil)
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
