import ArgumentParser
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner
import Reconcile

/// `apimsync apply`: makes APIM match the manifests, or applies exactly a saved plan.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply the manifests to APIM (plan and apply in one go), or apply a plan saved with plan --out.",
        discussion: """
            Changes run in dependency order, independent ones in parallel; when one fails, what depends on it is \
            skipped and everything else is still applied, so a re-run picks up where it stopped. A saved plan is \
            applied with the ETags seen at plan time: a resource changed in APIM since then is not overwritten. \
            On a terminal, apply against Azure shows the plan and asks first (--auto-approve for pipelines); the \
            embedded emulator is applied without asking.
            Exit status: 0 applied (or nothing to do), 1 a change failed or the plan was refused.
            """
    )

    @Argument(help: ArgumentHelp("A plan saved with 'apimsync plan --out'.", valueName: "plan-file"))
    var planFile: String?

    @OptionGroup var repository: RepositoryOptions

    @Flag(name: .long, help: "Apply without asking.")
    var autoApprove = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Compare secret named values by SHA-256 of their live value, so a changed secret is re-sent.")
    var checkSecrets = true

    @Flag(name: .long, help: "Allow deleting more than prune.maxDeletes, or every resource of a kind.")
    var allowMassDelete = false

    @Option(help: "Concurrent requests to APIM.")
    var concurrency: Int?

    @Option(help: "Progress as text lines, or as one JSON object per line (for log collectors).")
    var logFormat: LogFormat = .text

    func run() async throws {
        let configPath = try repository.configPath()
        let saved: PlanFile? = try planFile.map { path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the plan file '\(path)'")
            }
            do {
                return try PlanFile.decode(text)
            } catch let error as PlanFile.ReadError {
                throw ValidationError("\(path): \(error.description)")
            }
        }
        // A saved plan names its environment; a different --env is a mistake, never silently overridden.
        if let saved, let asked = repository.env, asked != saved.environment {
            DiagnosticPrinter.writeError(
                "error: the plan was made for environment '\(saved.environment)', not '\(asked)'; nothing was applied")
            throw ExitCode.failure
        }
        let useCase = ReconcileUseCase(
            configPath: configPath, environment: saved?.environment ?? repository.env)
        let (found, diagnostics) = useCase.load()
        DiagnosticPrinter.print(diagnostics)
        guard let loaded = found else { throw ExitCode.failure }
        var secrets = useCase.secrets
        // The embedded emulator is not Azure: the quick start runs without real secrets, and says so.
        if case .emulator = loaded.environment.target { secrets.placeholders = true }
        let connection = try await TargetConnection.open(
            loaded.environment, configPath: configPath, concurrency: concurrency)
        do {
            try await apply(
                saved: saved, loaded: loaded,
                useCase: ReconcileUseCase(
                    configPath: configPath, environment: loaded.environment.name, secrets: secrets),
                connection: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    func apply(
        saved: PlanFile?, loaded: ReconcileUseCase.Loaded, useCase: ReconcileUseCase, connection: TargetConnection
    ) async throws {
        if let saved {
            if let refusal = useCase.check(
                saved, loaded: loaded, target: connection.target,
                servicePath: connection.client.configuration.servicePath)
            {
                DiagnosticPrinter.writeError("error: \(refusal); nothing was applied")
                throw ExitCode.failure
            }
            if logFormat == .text { Console.line("Target: \(connection.target)") }
        }
        DiagnosticPrinter.progress("Reading \(connection.description) and planning…")
        let planning = ContinuousClock.now
        let planned = await useCase.plan(
            loaded, client: connection.client, target: connection.target,
            options: .init(checkSecrets: checkSecrets, allowMassDelete: allowMassDelete))
        if !planned.readFailures.isEmpty { try planned.readFailures.stop("change") }
        DiagnosticPrinter.progress("Planned in \(DiagnosticPrinter.seconds(since: planning)).")
        var plan = planned.plan
        var secrets = planned.secrets
        if let saved {
            let (remaining, done) = ReconcileUseCase.remaining(saved.plan, fresh: plan)
            if !done.isEmpty {
                Console.line(
                    remaining.hasChanges
                        ? "\(done.count) of the plan's \(saved.plan.changes.count) changes are already in APIM."
                        : "This plan has already been applied: APIM matches it. Nothing to do.")
            }
            plan = remaining
            secrets = useCase.secrets.values(for: plan, desired: loaded.desired)
            plan.blockers = saved.plan.blockers
            for (id, source) in secrets.missing {
                plan.blockers.append("\(id) needs its secret value from \(source), which is not set here")
            }
        } else if logFormat == .text {
            Console.write(PlanRenderer.text(plan, color: Terminal.isInteractive))
        }
        guard plan.blockers.isEmpty else {
            for blocker in plan.blockers { DiagnosticPrinter.writeError("error: \(blocker)") }
            throw ExitCode.failure
        }
        guard plan.hasChanges else { return }
        if case .arm = loaded.environment.target, !autoApprove, saved == nil {
            guard Terminal.isInteractive else {
                throw ValidationError("refusing to apply to Azure without --auto-approve when not on a terminal")
            }
            Console.write(
                "Apply these \(plan.changes.count) changes to \(connection.target)? Only 'yes' is accepted: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                Console.line("Apply cancelled.")
                throw ExitCode.failure
            }
        }
        for (id, source) in secrets.placeheld {
            DiagnosticPrinter.writeError(
                "warning: \(source) is not set; the embedded emulator gets a placeholder value for \(id)")
        }
        let progress = ApplyProgress(total: plan.changes.count, format: logFormat)
        let report = await useCase.apply(
            plan, loaded: loaded, secrets: secrets, api: connection.client, useETags: saved != nil
        ) { event in
            progress.show(event)
        }
        if logFormat == .json {
            let summary: JSONValue = [
                "event": "summary", "applied": .number(Double(report.applied)),
                "failed": .number(Double(report.failed)),
                "skipped": .number(Double(report.skipped)),
            ]
            Console.line(summary.serialized())
        } else {
            Console.line(
                "Apply \(report.succeeded ? "complete" : "incomplete"): \(report.applied) applied, \(report.failed) failed, "
                    + "\(report.skipped) skipped.")
        }
        if !report.succeeded { throw ExitCode.failure }
    }
}
