import ArgumentParser

/// The root command: GitOps for Azure API Management.
public struct ApimSyncCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "apimsync",
        abstract: "GitOps for Azure API Management: validate, plan and apply YAML manifests against APIM.",
        discussion: """
            apimsync reads the manifests of a git repository (apimsync.yaml and resources/), compares them with \
            the live APIM instance and makes APIM match them. Without --config it looks for ./apimsync.yaml, \
            then ./manifests/apimsync.yaml.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, RenderCommand.self, PlanCommand.self, ApplyCommand.self, TestCommand.self,
            EmulatorCommand.self,
            AuthCommand.self, ControllerCommand.self, ExportCommand.self,
            BenchmarkCommand.self,
        ]
    )

    public init() {}
}

extension ApimSyncCommand {
    /// Parses the process arguments, runs the command and exits with its status.
    public static func runFromCommandLine() async {
        await main()
    }
}
