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
        var schedule = ApplySchedule(changes)
        let locks = KeyedLocks()
        let servicePath = api.servicePath
        let clock = ContinuousClock()

        await withTaskGroup(of: (Int, ChangeOutcome, Double).self) { group in
            var running = 0
            func launch(_ ready: [Int]) {
                for index in ready {
                    let change = changes[index]
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
                        return (index, outcome, start.duration(to: clock.now).inSeconds)
                    }
                }
            }
            launch(schedule.initiallyReady())
            while running > 0, let (index, outcome, seconds) = await group.next() {
                running -= 1
                events(.finished(changes[index], outcome, seconds: seconds))
                let next = schedule.finish(index, outcome)
                for (skipped, outcome) in next.skipped { events(.finished(changes[skipped], outcome, seconds: 0)) }
                launch(next.ready)
            }
        }
        let outcomes = schedule.outcomes
        // Anything left waits on a cycle the planner should have refused; report it rather than hang.
        return ApplyReport(
            outcomes: changes.indices.map {
                (changes[$0], outcomes[$0] ?? .failed("not applied: its dependencies form a cycle"))
            })
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
