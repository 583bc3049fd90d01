import ArgumentParser
import Controller
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner

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

    @Flag(name: .long, help: "Allow a plan to delete more than prune.maxDeletes.")
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
        let loader = ManifestLoader(configPath: configPath)
        let loaded = loader.load(environment: repository.env)
        DiagnosticPrinter.print(loaded.diagnostics)
        guard !loaded.hasErrors, let config = loaded.config, let name = loaded.environment else {
            throw ExitCode.failure
        }
        guard let environment = config.environments[name] else {
            throw ValidationError("environment '\(name)' has no target in \(configPath)")
        }
        var desired = loaded.state
        var planConfig = config
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
            let scope = ChangedFilesScope(loaded, changed: changed, configPath: configPath, reference: reference)
            if let narrowed = scope.desired {
                desired = narrowed
                planConfig.prune.enabled = false
            }
            narrowing = scope.note
        }
        let connection = try await TargetConnection.open(environment, configPath: configPath, concurrency: concurrency)
        DiagnosticPrinter.progress("Reading \(connection.description) and planning…")
        let planning = ContinuousClock.now
        var failures = ReadFailures()
        var plan = await PlanPipeline.plan(
            desired: desired, config: planConfig, client: connection.client, configPath: configPath,
            checkSecrets: checkSecrets, allowMassDelete: allowMassDelete, withETags: out != nil,
            warn: { failures.append($0) })
        if !failures.isEmpty {
            await connection.close()
            try failures.stop("plan")
        }
        if let narrowing {
            plan.notes.insert(narrowing, at: 0)
            if desired.count < loaded.state.count { plan.unmanaged = [] }
        }
        DiagnosticPrinter.progress("Planned in \(DiagnosticPrinter.seconds(since: planning)).")
        await connection.close()
        switch output {
        case .text: print(PlanRenderer.text(plan, color: isatty(STDOUT_FILENO) == 1), terminator: "")
        case .markdown: print(PlanRenderer.markdown(plan, title: "apimsync plan: \(name)"), terminator: "")
        case .json: print(PlanRenderer.json(plan), terminator: "")
        }
        if let out {
            let file = PlanFile(
                target: connection.client.configuration.servicePath, environment: name,
                desiredDigest: DesiredDigest.of(loaded.state), plan: plan)
            try file.encoded().write(toFile: out, atomically: true, encoding: .utf8)
        }
        if !plan.blockers.isEmpty { throw ExitCode.failure }
        if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}
