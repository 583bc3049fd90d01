import ArgumentParser
import Manifests

/// `apimsync render`: the fully resolved desired state, as apimsync will compare it with APIM.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the fully resolved desired state as YAML (variables substituted, secrets masked).",
        discussion: """
            One YAML document per APIM entity, in dependency order, with the manifest line it came from and what \
            it depends on. Secret values are never read: secret named values show where their value comes from.
            """
    )

    @OptionGroup var repository: RepositoryOptions

    func run() async throws {
        let loader = ManifestLoader(configPath: try repository.configPath())
        let result = loader.load(environment: repository.env)
        DiagnosticPrinter.print(result.diagnostics)
        if result.hasErrors { throw ExitCode.failure }
        print(DesiredStateRenderer.render(result.state), terminator: "")
    }
}
