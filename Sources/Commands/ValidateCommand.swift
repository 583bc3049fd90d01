import ArgumentParser
import Manifests
import Model

/// `apimsync validate`: checks every manifest offline, before anything touches APIM.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the manifests offline and report every problem at file:line:col.",
        discussion: """
            Reports YAML syntax errors, unknown kinds and fields (with "did you mean"), wrong types, missing \
            required fields, invalid names, duplicates, unresolved references (pool members, {{named values}}, \
            backend-id, include-fragment, product APIs, loggers, subscription scopes), dependency cycles, missing \
            policy or specification files, documents that are not policies, plaintext secrets and unknown \
            ${variables}. Without --env every environment of apimsync.yaml is checked.
            Exit status: 0 valid, 1 invalid.
            """
    )

    @OptionGroup var repository: RepositoryOptions

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    func run() async throws {
        let loader = ManifestLoader(configPath: try repository.configPath())
        let result = repository.env.map { loader.load(environment: $0) } ?? loader.validateAllEnvironments()
        DiagnosticPrinter.print(result.diagnostics)
        let failed = result.hasErrors || (strict && result.diagnostics.contains { $0.severity == .warning })
        if failed {
            DiagnosticPrinter.writeError(
                "\(loader.configPath): invalid (\(DiagnosticPrinter.summary(result.diagnostics)))")
            throw ExitCode.failure
        }
        let environments = result.config.map { $0.environments.keys.sorted().joined(separator: ", ") } ?? ""
        print(
            "\(loader.configPath): valid, \(result.state.count) resources"
                + (environments.isEmpty ? "" : " (environments: \(environments))")
                + (result.diagnostics.isEmpty ? "" : ", \(DiagnosticPrinter.summary(result.diagnostics))"))
    }
}
