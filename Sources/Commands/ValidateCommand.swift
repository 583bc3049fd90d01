import ArgumentParser

/// `apimsync validate` (placeholder).
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Validate manifests.")
    func run() async throws {}
}
