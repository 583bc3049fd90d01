import ArgumentParser

/// `apimsync render` (placeholder).
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Render manifests.")
    func run() async throws {}
}
