import ManagementClient
import Model
import Planner

/// Runs a plan against APIM: in dependency order, independent changes in parallel (within the client's pacing),
/// writes to one API serialised, named-value writes serialised, and every failure isolated — the changes that
/// depend on a failed one are skipped, every independent branch still runs. It reports through events and never
/// prints.
public struct Executor: Sendable {
    let api: any ManagementAPI
    /// Send the ETag each change saw at plan time as `If-Match` (for saved plans): a resource changed in APIM
    /// since then fails with 412 instead of being overwritten.
    public var useETags: Bool
    /// Write every named value one at a time, as APIOps' publisher does (its baseline in the benchmark); apimsync
    /// itself serialises only display-name renames.
    public var serializeAllNamedValues: Bool

    public init(api: any ManagementAPI, useETags: Bool = false, serializeAllNamedValues: Bool = false) {
        self.api = api
        self.useETags = useETags
        self.serializeAllNamedValues = serializeAllNamedValues
    }

    /// Applies `plan`, taking properties, specifications and secret sources from `desired`; `secretValues`
    /// holds the secret values each resource needs, by property path, read by the caller.
    public func apply(
        _ plan: Plan, desired: State, secretValues: [ResourceID: [String: String]] = [:],
        events: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
    ) async -> ApplyReport {
        let changes = plan.changes
        let ids = Set(changes.map(\.id))
        let writes = Set(changes.filter { $0.action != .delete }.map(\.id))
        // What each change waits for: its dependencies in the plan; deletes also wait for every write (a write
        // may drop the last reference to what is deleted).
        var waitsFor: [ResourceID: Set<ResourceID>] = [:]
        for change in changes {
            var needs = change.dependencies.intersection(ids)
            if change.action == .delete { needs.formUnion(writes) }
            needs.remove(change.id)
            waitsFor[change.id] = needs
        }
        let locks = KeyedLocks()
        let servicePath = api.servicePath
        var outcomes: [ResourceID: ChangeOutcome] = [:]
        var pending = changes
        let clock = ContinuousClock()

        await withTaskGroup(of: (ResourceChange, ChangeOutcome, Double).self) { group in
            var running = 0
            func launchReady() {
                var still: [ResourceChange] = []
                for change in pending {
                    let needs = waitsFor[change.id] ?? []
                    if let blocker = needs.first(where: { outcomes[$0] != nil && outcomes[$0] != .applied }) {
                        let outcome = ChangeOutcome.skipped(because: blocker)
                        outcomes[change.id] = outcome
                        events(.finished(change, outcome, seconds: 0))
                        continue
                    }
                    guard needs.allSatisfy({ outcomes[$0] == .applied }) else {
                        still.append(change)
                        continue
                    }
                    events(.started(change))
                    running += 1
                    let request = WriteRequest.make(
                        for: change, desired: desired[change.id], secretValues: secretValues[change.id] ?? [:],
                        servicePath: servicePath, useETags: useETags)
                    group.addTask {
                        let start = clock.now
                        let outcome = await perform(
                            request, lock: KeyedLocks.key(for: change, wholeKind: serializeAllNamedValues),
                            locks: locks)
                        return (change, outcome, start.duration(to: clock.now).inSeconds)
                    }
                }
                pending = still
            }
            // Skipping can make more changes decidable; repeat until nothing new is launched or skipped.
            func settle() {
                var before = -1
                while before != pending.count {
                    before = pending.count
                    launchReady()
                }
            }
            settle()
            while running > 0, let (change, outcome, seconds) = await group.next() {
                running -= 1
                outcomes[change.id] = outcome
                events(.finished(change, outcome, seconds: seconds))
                settle()
            }
        }
        // Anything left waits on a cycle the planner should have refused; report it rather than hang.
        for change in pending where outcomes[change.id] == nil {
            outcomes[change.id] = .failed("not applied: its dependencies form a cycle")
        }
        return ApplyReport(outcomes: changes.map { ($0, outcomes[$0.id] ?? .failed("not applied")) })
    }

    private func perform(
        _ request: Result<WriteRequest, ExecutionError>, lock: String?, locks: KeyedLocks
    ) async -> ChangeOutcome {
        let write: WriteRequest
        switch request {
        case .failure(let error): return .failed(error.description)
        case .success(let value): write = value
        }
        if let lock { await locks.acquire(lock) }
        let outcome: ChangeOutcome
        do {
            for step in write.before + [write] + write.after {
                switch step.method {
                case .put: try await api.write(step.path, body: step.body, ifMatch: step.ifMatch)
                case .delete: try await api.remove(step.path, ifMatch: step.ifMatch)
                }
            }
            outcome = .applied
        } catch let error as ARMError where error.code == .preconditionFailed {
            outcome = .failed("changed in APIM since the plan was made: re-plan (\(error))")
        } catch {
            outcome = .failed("\(error)")
        }
        if let lock { await locks.release(lock) }
        return outcome
    }
}
