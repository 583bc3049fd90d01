import ArgumentParser
import Executor
import Foundation
import Model
import Planner
import Synchronization

/// How apply reports progress: lines for people, or one JSON object per line for log collectors.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// Prints one line per change as it completes, with a running count.
final class ApplyProgress: Sendable {
    private let total: Int
    private let format: LogFormat
    private let counter = Counter()

    init(total: Int, format: LogFormat = .text) {
        self.total = total
        self.format = format
    }

    func show(_ event: ExecutionEvent) {
        guard case .finished(let change, let outcome, let seconds) = event else { return }
        let done = counter.increment()
        if format == .json {
            var object: JSONValue = [
                "event": "change", "id": .string(change.id.armPath), "kind": .string(change.id.kind.rawValue),
                "action": .string(change.action.rawValue), "seconds": .number((seconds * 1000).rounded() / 1000),
                "done": .number(Double(done)), "total": .number(Double(total)),
            ]
            switch outcome {
            case .applied: object["outcome"] = "applied"
            case .failed(let message):
                object["outcome"] = "failed"
                object["error"] = .string(message)
            case .skipped(let dependency):
                object["outcome"] = "skipped"
                object["because"] = .string(dependency.armPath)
            }
            Console.line(object.serialized())
            return
        }
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
