import ArgumentParser
import Controller
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner
import Reconcile

/// `apimsync plan`: what apply would change, read from live APIM; made for pull requests.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compare the manifests with live APIM and show what apply would change.",
        discussion: """
            Reads the live service (lists per kind, allPolicies, policy content in rawxml) and prints create / \
            update / delete per resource with field-level changes; policies are compared by meaning, not by \
            APIM's formatting. Nothing is written to APIM.
            Exit status: 0 no changes (or changes without --detailed-exitcode), 2 changes pending with \
            --detailed-exitcode, 1 error.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json
    }

    @OptionGroup var repository: RepositoryOptions

    @Option(
        name: .shortAndLong, help: "Output format: text (colour on a terminal), markdown (for a PR comment) or json.")
    var output: OutputFormat = .text

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also save the plan as JSON, with the live ETag of every resource it changes.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "Exit with 2 when changes are pending.")
    var detailedExitcode = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Compare secret named values by SHA-256 of their live value (listValue, which ARM counts as a write).")
    var checkSecrets = false

    @Flag(name: .long, help: "Allow a plan to delete more than prune.maxDeletes, or every resource of a kind.")
    var allowMassDelete = false

    @Option(help: "Concurrent requests to APIM.")
    var concurrency: Int?

    @Option(
        help: ArgumentHelp(
            "Plan only the resources built from files changed since this git ref (fast pull-request plans; no "
                + "deletions).", valueName: "ref"))
    var changedSince: String?

    func validate() throws {
        if changedSince != nil, out != nil {
            throw ValidationError("--changed-since plans part of the repository; a plan saved with --out must be whole")
        }
    }

    func run() async throws {
        let configPath = try repository.configPath()
        let useCase = ReconcileUseCase(configPath: configPath, environment: repository.env)
        let (found, diagnostics) = useCase.load()
        DiagnosticPrinter.print(diagnostics)
        guard var loaded = found else { throw ExitCode.failure }
        var narrowing: String?
        if let reference = changedSince {
            let source = RepositorySource(directory: (configPath as NSString).deletingLastPathComponent, pull: false)
            let changed: Set<String>
            do {
                changed = try await source.changedFiles(since: reference)
            } catch {
                DiagnosticPrinter.writeError("error: --changed-since \(reference): \(error)")
                throw ExitCode.failure
            }
            let scope = ChangedFilesScope(loaded.result, changed: changed, configPath: configPath, reference: reference)
            if let narrowed = scope.desired {
                loaded.desired = narrowed
                loaded.config.prune.enabled = false
            }
            narrowing = scope.note
        }
        let connection = try await TargetConnection.open(
            loaded.environment, configPath: configPath, concurrency: concurrency)
        DiagnosticPrinter.progress("Reading \(connection.description) and planning…")
        let planning = ContinuousClock.now
        let planned = await useCase.plan(
            loaded, client: connection.client, target: connection.target,
            options: .init(checkSecrets: checkSecrets, allowMassDelete: allowMassDelete, withETags: out != nil))
        await connection.close()
        if !planned.readFailures.isEmpty { try planned.readFailures.stop("plan") }
        var plan = planned.plan
        if let narrowing {
            plan.notes.insert(narrowing, at: 0)
            if loaded.desired.count < loaded.result.state.count { plan.unmanaged = [] }
        }
        DiagnosticPrinter.progress("Planned in \(DiagnosticPrinter.seconds(since: planning)).")
        let name = loaded.environment.name
        switch output {
        case .text: print(PlanRenderer.text(plan, color: isatty(STDOUT_FILENO) == 1), terminator: "")
        case .markdown: print(PlanRenderer.markdown(plan, title: "apimsync plan: \(name)"), terminator: "")
        case .json: print(PlanRenderer.json(plan), terminator: "")
        }
        if let out {
            let file = PlanFile(
                target: connection.client.configuration.servicePath, environment: name,
                desiredDigest: loaded.digest, plan: plan)
            try file.encoded().write(toFile: out, atomically: true, encoding: .utf8)
            DiagnosticPrinter.writeError(
                plan.blockers.isEmpty
                    ? "Saved the plan to \(out); apply exactly it with: apimsync apply \(out)"
                    : "Saved the plan to \(out), but it is blocked and apply will refuse it.")
        }
        if !plan.blockers.isEmpty { throw ExitCode.failure }
        if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}
