import Executor
import Foundation
import Planner
import Synchronization

/// Prints one line per change as it completes, with a running count.
final class ApplyProgress: Sendable {
    private let total: Int
    private let counter = Counter()

    init(total: Int) {
        self.total = total
    }

    func show(_ event: ExecutionEvent) {
        guard case .finished(let change, let outcome, let seconds) = event else { return }
        let done = counter.increment()
        let symbol = PlanRenderer.symbol(for: change.action)
        let line: String
        switch outcome {
        case .applied: line = "✓ \(symbol) \(change.id) (\(String(format: "%.2f", seconds)) s)"
        case .failed(let message): line = "✗ \(symbol) \(change.id): \(message)"
        case .skipped(let dependency): line = "↷ \(symbol) \(change.id): skipped, \(dependency) did not apply"
        }
        Console.line("[\(done)/\(total)] \(line)")
    }
}

/// A thread-safe counter for progress lines (events arrive from the executor's tasks).
final class Counter: Sendable {
    private let value = Mutex(0)

    func increment() -> Int {
        value.withLock { count in
            count += 1
            return count
        }
    }
}

/// Whether standard output is a terminal (colour, questions).
enum Terminal {
    static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 }
}
