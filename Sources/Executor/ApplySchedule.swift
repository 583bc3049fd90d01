import Model
import Planner

/// The order an apply runs its changes in, kept in time linear in changes + dependencies: a change is ready when
/// every change it depends on was applied (a delete also waits for every write, since a write may drop the last
/// reference to what is deleted), and is skipped as soon as one of them failed or was skipped.
struct ApplySchedule {
    private let changes: [ResourceChange]
    /// The changes that wait for each change (deletes wait for the writes through `writesLeft` instead).
    private var dependents: [[Int]]
    /// How many of its own dependencies each change still waits for.
    private var waiting: [Int]
    private let isDelete: [Bool]
    private var writesLeft: Int
    /// The first write that was not applied: every delete not yet decided is skipped because of it.
    private var failedWrite: ResourceID?
    /// What became of each change, by its index in the plan.
    private(set) var outcomes: [Int: ChangeOutcome] = [:]

    init(_ changes: [ResourceChange]) {
        self.changes = changes
        var index: [ResourceID: Int] = [:]
        for (position, change) in changes.enumerated() where index[change.id] == nil { index[change.id] = position }
        isDelete = changes.map { $0.action == .delete }
        writesLeft = isDelete.filter { !$0 }.count
        dependents = Array(repeating: [], count: changes.count)
        waiting = Array(repeating: 0, count: changes.count)
        for (position, change) in changes.enumerated() {
            var needs = Set(change.dependencies.compactMap { index[$0] })
            needs.remove(position)
            if isDelete[position] { needs = needs.filter { isDelete[$0] } }
            waiting[position] = needs.count
            for need in needs { dependents[need].append(position) }
        }
    }

    /// The changes that can start at once, in plan order.
    func initiallyReady() -> [Int] {
        changes.indices.filter { isReady($0) }
    }

    /// Records how change `index` ended; returns the changes that became ready (in plan order) and the changes
    /// skipped because of it, with their outcomes.
    mutating func finish(
        _ index: Int, _ outcome: ChangeOutcome
    ) -> (ready: [Int], skipped: [(Int, ChangeOutcome)]) {
        var ready: [Int] = []
        var skipped: [(Int, ChangeOutcome)] = []
        var blocked = decide(index, outcome, ready: &ready)
        // A skipped change blocks what waits for it in turn.
        while let (position, blocker) = blocked.popLast() {
            guard outcomes[position] == nil else { continue }
            let outcome = ChangeOutcome.skipped(because: blocker)
            skipped.append((position, outcome))
            blocked += decide(position, outcome, ready: &ready)
        }
        return (Array(Set(ready)).sorted().filter { outcomes[$0] == nil }, skipped)
    }

    /// Records `outcome` for change `index`: adds to `ready` what it unblocked, and returns what it blocks, each with
    /// the change that blocks it.
    private mutating func decide(
        _ index: Int, _ outcome: ChangeOutcome, ready: inout [Int]
    ) -> [(Int, ResourceID)] {
        outcomes[index] = outcome
        let id = changes[index].id
        var blocked: [(Int, ResourceID)] = []
        if outcome == .applied {
            for dependent in dependents[index] {
                waiting[dependent] -= 1
                if isReady(dependent) { ready.append(dependent) }
            }
        } else {
            blocked = dependents[index].map { ($0, id) }
        }
        guard !isDelete[index] else { return blocked }
        writesLeft -= 1
        if outcome != .applied, failedWrite == nil {
            failedWrite = id
            blocked += changes.indices.filter { isDelete[$0] && outcomes[$0] == nil }.map { ($0, id) }
        } else if failedWrite == nil, writesLeft == 0 {
            ready += changes.indices.filter { isDelete[$0] && isReady($0) }
        }
        return blocked
    }

    /// Not yet decided, waiting for nothing of its own, and (a delete) every write applied.
    private func isReady(_ index: Int) -> Bool {
        outcomes[index] == nil && waiting[index] == 0 && (!isDelete[index] || (writesLeft == 0 && failedWrite == nil))
    }
}
