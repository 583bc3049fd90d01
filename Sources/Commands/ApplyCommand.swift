import ArgumentParser
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner

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

    @Flag(name: .long, help: "Allow deleting more than prune.maxDeletes.")
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
        let loaded = ManifestLoader(configPath: configPath).load(environment: saved?.environment ?? repository.env)
        DiagnosticPrinter.print(loaded.diagnostics)
        guard !loaded.hasErrors, let config = loaded.config, let name = loaded.environment,
            let environment = config.environments[name]
        else { throw ExitCode.failure }
        if let saved, saved.desiredDigest != DesiredDigest.of(loaded.state) {
            DiagnosticPrinter.writeError("error: the manifests changed since the plan was made: re-plan")
            throw ExitCode.failure
        }
        let connection = try await TargetConnection.open(environment, configPath: configPath, concurrency: concurrency)
        do {
            try await apply(
                saved: saved, desired: loaded.state, config: config, environment: environment, connection: connection,
                configPath: configPath)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    func apply(
        saved: PlanFile?, desired: State, config: RepositoryConfig, environment: EnvironmentConfig,
        connection: TargetConnection, configPath: String
    ) async throws {
        let plan: Plan
        if let saved {
            guard saved.target.lowercased() == connection.client.configuration.servicePath.lowercased() else {
                DiagnosticPrinter.writeError(
                    "error: the plan was made for \(saved.target), not \(connection.client.configuration.servicePath)")
                throw ExitCode.failure
            }
            plan = saved.plan
        } else {
            DiagnosticPrinter.progress("Reading \(connection.description) and planning…")
            let planning = ContinuousClock.now
            var failures = ReadFailures()
            plan = await PlanPipeline.plan(
                desired: desired, config: config, client: connection.client, configPath: configPath,
                checkSecrets: checkSecrets, allowMassDelete: allowMassDelete, withETags: false,
                warn: { failures.append($0) })
            if !failures.isEmpty { try failures.stop("change") }
            DiagnosticPrinter.progress("Planned in \(DiagnosticPrinter.seconds(since: planning)).")
            if logFormat == .text { Console.write(PlanRenderer.text(plan, color: Terminal.isInteractive)) }
        }
        guard plan.blockers.isEmpty else {
            for blocker in plan.blockers { DiagnosticPrinter.writeError("error: \(blocker)") }
            throw ExitCode.failure
        }
        guard plan.hasChanges else { return }
        if case .arm = environment.target, !autoApprove, saved == nil {
            guard Terminal.isInteractive else {
                throw ValidationError("refusing to apply to Azure without --auto-approve when not on a terminal")
            }
            Console.write(
                "Apply these \(plan.changes.count) changes to \(connection.description)? Only 'yes' is accepted: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                Console.line("Apply cancelled.")
                throw ExitCode.failure
            }
        }
        var placeholders = false
        if case .emulator = environment.target { placeholders = true }
        // The embedded emulator is not Azure: the quick start runs without real secrets, and says so.
        let (secretValues, placeheld) = SecretDigester.values(
            for: plan, desired: desired, configPath: configPath, placeholders: placeholders)
        for (id, source) in placeheld {
            DiagnosticPrinter.writeError(
                "warning: \(source) is not set; the embedded emulator gets a placeholder value for \(id)")
        }
        let progress = ApplyProgress(total: plan.changes.count, format: logFormat)
        let executor = Executor(client: connection.client, useETags: saved != nil)
        let report = await executor.apply(plan, desired: desired, secretValues: secretValues) { event in
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
