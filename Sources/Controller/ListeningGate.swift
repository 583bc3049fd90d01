import Synchronization

/// Opens once the controller's endpoints listen. The loop runs no cycle before, so a port that is taken stops
/// the controller before it has read or written APIM.
public final class ListeningGate: Sendable {
    private let opened = Mutex(false)
    private let signal: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (signal, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether the endpoints have started listening.
    public var isOpen: Bool { opened.withLock { $0 } }

    /// Opens the gate (the endpoints listen); later calls do nothing.
    public func open() {
        opened.withLock { $0 = true }
        continuation.yield()
        continuation.finish()
    }

    /// Returns once the gate is open, or when the waiting task is cancelled (then `isOpen` is false).
    func wait() async {
        for await _ in signal { return }
    }
}
