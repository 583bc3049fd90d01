/// Long-running operations (apim-rest.md §1.7): each write or delete the spec marks long-running gets an operation
/// that its `Location` and `Azure-AsyncOperation` URLs poll; with `asyncPolls > 0` it stays pending for that many
/// polls, and writes to an API whose operation is pending are refused with 409 (§1.3).
struct LongRunningOperations: Sendable {
    /// One pending or finished operation.
    struct Operation: Sendable {
        var id: String
        var remainingPolls: Int
        /// Internal key of the resource; nil for a delete.
        var resourceKey: String?
        /// The external path (`apis/orders`) its `Location` polls.
        var externalPath: String
        var finalStatus: Int
        /// Lower-cased API id whose writes are refused (409) while this operation is pending.
        var apiLock: String?
        var isDelete: Bool
    }

    /// Polls of 202 before an operation completes.
    let polls: Int
    private var operations: [String: Operation] = [:]

    init(polls: Int) { self.polls = polls }

    var isForcingPolls: Bool { polls > 0 }

    mutating func start(_ operation: Operation) { operations[operation.id] = operation }

    func operation(_ id: String) -> Operation? { operations[id] }

    /// One poll of `id`: `true` while the operation is still pending (the poll used up one of its 202s).
    mutating func advance(_ id: String) -> Bool {
        guard var operation = operations[id], operation.remainingPolls > 0 else { return false }
        operation.remainingPolls -= 1
        operations[id] = operation
        return true
    }

    /// Whether a pending operation holds the lock of the API `base` (lower-cased, without `;rev=`).
    func isLocked(api base: String) -> Bool {
        operations.values.contains { $0.apiLock == base && $0.remainingPolls > 0 }
    }
}
