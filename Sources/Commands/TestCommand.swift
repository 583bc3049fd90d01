import ArgumentParser
import Executor
import Foundation
import Gateway
import Manifests
import Model
import Planner
import Reconcile

/// `apimsync test`: applies the repository to a fresh embedded emulator and runs its gateway tests
/// (`tests/*.yaml`, `kind: GatewayTest`) through the local gateway, which reads what was applied.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the repository's gateway tests (tests/*.yaml) against a fresh embedded emulator.",
        discussion: """
            Validates the repository, applies it (for --env, default the repository's default environment) to a \
            fresh in-memory embedded emulator the way apply does, then runs every scenario of the tests folder \
            through the local gateway, which serves what the emulator holds, against simulated Azure OpenAI \
            backends. Each scenario is reported as passed, failed (with the policy trace of the answer it judged, \
            each statement at its file:line) or unsupported (it met a statement or expression the local gateway \
            does not run). Nothing is sent to Azure.
            Exit status: 0 every scenario passed, 1 otherwise (a failure, an unsupported scenario, an invalid \
            repository or scenario file).
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, junit
    }

    @OptionGroup var repository: RepositoryOptions

    @Option(
        help: ArgumentHelp(
            "The folder of the scenario files, relative to the folder of apimsync.yaml.", valueName: "folder"))
    var tests: String = "tests"

    @Option(help: ArgumentHelp("Run only the scenarios whose name contains this text.", valueName: "name"))
    var filter: String?

    @Option(
        name: .shortAndLong,
        help: "The report on standard output: text, or junit (JUnit XML; progress then goes to standard error).")
    var output: OutputFormat = .text

    @Option(
        name: .customLong("junit-file"),
        help: ArgumentHelp("Also write the results as a JUnit XML report to this file.", valueName: "path"))
    var junitFile: String?

    func run() async throws {
        let configPath = try repository.configPath()
        let useCase = ReconcileUseCase(configPath: configPath, environment: repository.env)
        let (found, diagnostics) = useCase.load()
        DiagnosticPrinter.print(diagnostics)
        guard let loaded = found else { throw ExitCode.failure }

        let folder = Self.folder(tests, configPath: configPath)
        let (scenarios, problems) = Self.scenarios(in: folder)
        for problem in problems { DiagnosticPrinter.writeError(problem.description) }
        guard problems.isEmpty else { throw ExitCode.failure }
        let selected = scenarios.filter { scenario in filter.map { scenario.name.contains($0) } ?? true }
        if scenarios.isEmpty {
            DiagnosticPrinter.writeError("warning: no gateway tests (kind: GatewayTest) in \(folder)")
            return
        }
        if selected.isEmpty {
            DiagnosticPrinter.writeError(
                "error: no scenario name contains '\(filter ?? "")'; the scenarios are: "
                    + scenarios.map(\.name).joined(separator: ", "))
            throw ExitCode.failure
        }

        let connection = try await TargetConnection.freshEmulator(for: loaded.environment)
        let results: [ScenarioResult]
        do {
            try await apply(loaded, configPath: configPath, connection: connection)
            guard let live = connection.emulatorState else { throw ExitCode.failure }
            let source = EmulatorSnapshotSource(
                live: live,
                sources: GatewaySnapshot.policySources(from: loaded.desired, files: loaded.result.sources))
            let snapshot = await source.snapshot()
            var all: [ScenarioResult] = []
            for scenario in selected { all.append(await ScenarioRunner.run(scenario, snapshot: snapshot)) }
            results = all
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()

        switch output {
        case .text: Console.line(ScenarioReport.text(results))
        case .junit:
            Console.write(ScenarioReport.junit(results))
            DiagnosticPrinter.writeError(ScenarioReport.text(results))
        }
        if let junitFile {
            do {
                try ScenarioReport.junit(results).write(toFile: junitFile, atomically: true, encoding: .utf8)
            } catch {
                DiagnosticPrinter.writeError("error: cannot write the JUnit report to \(junitFile): \(error)")
                throw ExitCode.failure
            }
        }
        if !results.allSatisfy({ $0.outcome == .passed }) { throw ExitCode.failure }
    }

    /// Applies the repository to the fresh emulator through the use case `apply` takes (load → read → plan →
    /// apply); secrets that are not set get placeholder values, as for any embedded emulator.
    private func apply(
        _ loaded: ReconcileUseCase.Loaded, configPath: String, connection: TargetConnection
    ) async throws {
        var secrets = SecretResolver(configPath: configPath)
        secrets.placeholders = true
        let useCase = ReconcileUseCase(
            configPath: configPath, environment: loaded.environment.name, secrets: secrets)
        progress("Applying environment '\(loaded.environment.name)' to a fresh embedded emulator…")
        let planned = await useCase.plan(loaded, client: connection.client, target: connection.target)
        if !planned.readFailures.isEmpty { try planned.readFailures.stop("change") }
        guard planned.plan.blockers.isEmpty else {
            for blocker in planned.plan.blockers { DiagnosticPrinter.writeError("error: \(blocker)") }
            throw ExitCode.failure
        }
        let report = await useCase.apply(
            planned.plan, loaded: loaded, secrets: planned.secrets, api: connection.client, useETags: false)
        guard report.succeeded else {
            DiagnosticPrinter.writeError(
                "error: applying the repository to the embedded emulator failed: \(report.applied) applied, "
                    + "\(report.failed) failed, \(report.skipped) skipped")
            for (change, outcome) in report.outcomes {
                if case .failed(let message) = outcome { DiagnosticPrinter.writeError("  \(change.id): \(message)") }
            }
            throw ExitCode.failure
        }
        progress("Applied \(report.applied) changes; running the gateway tests…")
    }

    private func progress(_ line: String) {
        if output == .text { Console.line(line) } else { DiagnosticPrinter.writeError(line) }
    }

    /// The tests folder: `folder` itself when absolute, else relative to the folder of `configPath`.
    static func folder(_ folder: String, configPath: String) -> String {
        let base = (configPath as NSString).deletingLastPathComponent
        return folder.hasPrefix("/") || base.isEmpty ? folder : base + "/" + folder
    }

    /// The scenarios of every `*.yaml`/`*.yml` file in `folder` (sorted by file name), and the problems found.
    static func scenarios(in folder: String) -> (scenarios: [GatewayScenario], problems: [ScenarioProblem]) {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return ([], []) }
        var scenarios: [GatewayScenario] = []
        var problems: [ScenarioProblem] = []
        for file in files.sorted() where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
            let path = folder + "/" + file
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                problems.append(ScenarioProblem(location: path, message: "cannot read the file"))
                continue
            }
            let loaded = ScenarioLoader.load(text: text, file: path)
            scenarios += loaded.scenarios
            problems += loaded.problems
        }
        var seen: [String: String] = [:]
        for scenario in scenarios {
            if let first = seen[scenario.name] {
                problems.append(
                    ScenarioProblem(
                        location: scenario.location,
                        message: "a scenario named '\(scenario.name)' is already at \(first)"))
            }
            seen[scenario.name] = seen[scenario.name] ?? scenario.location
        }
        return (scenarios, problems)
    }
}
