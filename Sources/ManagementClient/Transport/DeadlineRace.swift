import AsyncHTTPClient
import Synchronization

/// Runs an operation against a deadline and answers at whichever comes first — the operation's result, the
/// deadline (`HTTPClientError.deadlineExceeded`) or the caller's cancellation — without waiting for an operation
/// that does not stop promptly when cancelled: it is cancelled and left to finish on its own.
enum DeadlineRace {
    static func run<Value: Sendable>(
        deadline: Duration, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let race = Race<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(
                    continuation,
                    work: Task {
                        do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                    },
                    timer: Task {
                        guard (try? await Task.sleep(for: deadline)) != nil else { return }
                        race.finish(.failure(HTTPClientError.deadlineExceeded))
                    })
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The one continuation a race resumes, and the tasks to cancel once it has.
    private final class Race<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Value, any Error>?
            var early: Result<Value, any Error>?
            var tasks: [Task<Void, Never>] = []
            var done = false
        }
        private let state = Mutex(State())

        func start(
            _ continuation: CheckedContinuation<Value, any Error>, work: Task<Void, Never>, timer: Task<Void, Never>
        ) {
            let early = state.withLock { state -> Result<Value, any Error>? in
                state.tasks = [work, timer]
                guard let early = state.early else {
                    state.continuation = continuation
                    return nil
                }
                return early
            }
            if let early {
                work.cancel()
                timer.cancel()
                continuation.resume(with: early)
            }
        }

        func finish(_ result: Result<Value, any Error>) {
            let (continuation, tasks) = state.withLock {
                state -> (CheckedContinuation<Value, any Error>?, [Task<Void, Never>]) in
                guard !state.done else { return (nil, []) }
                state.done = true
                guard let continuation = state.continuation else {
                    state.early = result  // finished (or cancelled) before the continuation was registered
                    return (nil, [])
                }
                state.continuation = nil
                return (continuation, state.tasks)
            }
            for task in tasks { task.cancel() }
            continuation?.resume(with: result)
        }
    }
}
