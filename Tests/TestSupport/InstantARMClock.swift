import ManagementClient
import Synchronization

/// An ARM clock whose sleeps return at once and move its time forward by their length: a client's pacing waits
/// cost no wall time in tests, while its token buckets still see the time pass.
public final class InstantARMClock: ARMClock {
    private let time = Mutex<Double>(0)

    public init() {}

    public func now() -> Double { time.withLock { $0 } }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        time.withLock { $0 += max(0, seconds) }
    }
}
