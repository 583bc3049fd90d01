import ArgumentParser
import Manifests

/// Options every command that reads the repository shares.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The repository configuration.", discussion: "Default: ./apimsync.yaml, else ./manifests/apimsync.yaml.",
            valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The environment of apimsync.yaml to use.", valueName: "name"))
    var env: String?

    /// The configuration path, or a usage error saying where apimsync looked.
    func configPath() throws -> String {
        guard let path = ManifestLoader.locateConfig(explicit: config) else {
            throw ValidationError(
                "no apimsync.yaml found in ./ or ./manifests/; run in a repository root or pass --config PATH")
        }
        return path
    }
}
