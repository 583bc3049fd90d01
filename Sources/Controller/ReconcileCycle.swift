import Executor
import Foundation
import ManagementClient
import Model
import Planner
import Reconcile

/// One reconcile: the same Manifests → Planner → Executor path as `apimsync apply`, with the outcome reported
/// instead of printed.
public struct ReconcileCycle: Sendable {
    public let configPath: String
    public let environment: String?
    /// The target `client` speaks to; an environment that now names another target stalls the controller.
    public let target: Target
    public let client: ARMClient
    public let settings: ControllerSettings
    /// Give secrets not set here a placeholder value (the embedded emulator only).
    public let placeholderSecrets: Bool
    public let source: RepositorySource?

    public init(
        configPath: String, environment: String?, target: Target, client: ARMClient, settings: ControllerSettings,
        placeholderSecrets: Bool, source: RepositorySource?
    ) {
        self.configPath = configPath
        self.environment = environment
        self.target = target
        self.client = client
        self.settings = settings
        self.placeholderSecrets = placeholderSecrets
        self.source = source
    }

    /// Diagnostics shown in a report: enough to act on, not a flood.
    static let messageLimit = 20

    public func run() async -> CycleReport {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let heldBefore = await client.budgetHeldSeconds()[.read] ?? 0
        func finish(_ report: CycleReport) async -> CycleReport {
            var report = report
            report.seconds = start.duration(to: clock.now).inSeconds
            report.readBudgetHeldSeconds = (await client.budgetHeldSeconds()[.read] ?? 0) - heldBefore
            if report.readBudgetHeldSeconds > 0, report.readBudgetHeldSeconds >= report.seconds / 2 {
                report.budgetBound = true
                report.messages.append(
                    String(
                        format:
                            "budget-bound: the read budget (%g%% of the subscription's) held this cycle's requests "
                            + "back for %.1f s of %.1f s; raise --read-budget-share or the interval for a faster cycle",
                        settings.readBudgetShare * 100, report.readBudgetHeldSeconds, report.seconds))
            }
            return report
        }
        var revision: String?
        if let source {
            do {
                try await source.update()
            } catch {
                return await finish(CycleReport(result: .failed, startedAt: startedAt, messages: ["\(error)"]))
            }
            revision = await source.revision()
        }
        let useCase = ReconcileUseCase(
            configPath: configPath, environment: environment,
            secrets: SecretResolver(configPath: configPath, placeholders: placeholderSecrets))
        let (found, diagnostics) = useCase.load()
        guard let loaded = found else {
            let errors = diagnostics.filter { $0.severity == .error }.map(\.description)
            return await finish(
                CycleReport(
                    result: .stalled, startedAt: startedAt, revision: revision,
                    messages: Array(errors.prefix(Self.messageLimit))))
        }
        guard loaded.environment.target == target else {
            return await finish(
                CycleReport(
                    result: .stalled, startedAt: startedAt, revision: revision,
                    messages: [
                        "environment '\(loaded.environment.name)' now names another target: restart the controller "
                            + "to follow it"
                    ]))
        }
        let planned = await useCase.plan(
            loaded, client: client, target: nil,
            options: .init(checkSecrets: settings.checkSecrets, allowMassDelete: settings.allowMassDelete))
        let plan = planned.plan
        let warnings = planned.readFailures.summary
        var report = CycleReport(
            result: .inSync, startedAt: startedAt, revision: revision, planned: plan.changes.count,
            unmanaged: plan.unmanaged.count, messages: Array(warnings.prefix(Self.messageLimit)))
        report.changes = plan.changes.prefix(CycleReport.changeLimit).map { "\($0.action.rawValue) \($0.id)" }
        guard plan.blockers.isEmpty else {
            report.result = .stalled
            report.messages = plan.blockers + report.messages
            return await finish(report)
        }
        guard planned.readFailures.isEmpty else {
            // An incomplete read may plan creates for what it did not see: an unattended loop does not act on it.
            report.result = .failed
            return await finish(report)
        }
        guard plan.hasChanges else { return await finish(report) }
        guard settings.mode == .correct else {
            report.result = .driftDetected
            return await finish(report)
        }
        for (id, source) in planned.secrets.placeheld {
            report.messages.append("\(source) is not set; the embedded emulator got a placeholder value for \(id)")
        }
        let applied = await useCase.apply(
            plan, loaded: loaded, secrets: planned.secrets, api: client, useETags: false)
        report.applied = applied.applied
        report.failed = applied.failed
        report.skipped = applied.skipped
        for (change, outcome) in applied.outcomes {
            if case .failed(let message) = outcome { report.messages.append("\(change.id): \(message)") }
        }
        report.messages = Array(report.messages.prefix(Self.messageLimit))
        report.result = applied.succeeded ? .inSync : .failed
        return await finish(report)
    }
}
