import Model
import Planner

/// Async mutual exclusion per key: writes to one API and its children, and named-value writes, run one at a
/// time (APIM rejects concurrent writes to an API during an import, and rewrites policies when a named value's
/// display name changes).
actor KeyedLocks {
    private var holders: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func acquire(_ key: String) async {
        if !holders.contains(key) {
            holders.insert(key)
            return
        }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue
            next.resume()  // ownership passes to the next waiter
        } else {
            holders.remove(key)
        }
    }

    /// The lock a change needs, if any, from the write lock its top-level kind's descriptor declares: writes to
    /// one API (and its children) one at a time, since APIM answers 409 "Operation on the API is in progress"
    /// otherwise; and named-value writes that rename a display name one at a time, since APIM then rewrites the
    /// `{{references}}` in every policy, which races with other renames. Creating named values, or changing their
    /// values, needs no lock. `wholeKind` takes the kind-wide lock for every write to such a kind (the APIOps
    /// baseline of the benchmark serialises every named value).
    static func key(for change: ResourceChange, wholeKind: Bool = false) -> String? {
        let id = change.id
        let top = id.owner ?? id
        let collection = top.kind.pathTemplate.split(separator: "/").first.map(String.init) ?? top.kind.rawValue
        switch top.kind.descriptor.writeLock {
        case .perEntity?:
            return collection + "/" + top.name.lowercased()
        case .whenChanging(let field)?:
            let changes = change.action == .update && change.fields.contains { $0.path == field }
            return wholeKind || changes ? collection : nil
        case nil:
            return nil
        }
    }
}
