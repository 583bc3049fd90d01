import Foundation
import Manifests
import Model

/// A GitOps repository written to a temporary folder for one test, removed when the test ends.
public struct TemporaryRepository: ~Copyable {
    public let root: String

    public static let config = """
        apiVersion: apimsync/v1
        kind: Config
        spec:
          environments:
            local:
              target: { emulator: state.json }
              variables: { aoai01: "https://aoai01.example.com", aoai02: "https://aoai02.example.com" }

        """

    /// Writes `files` (paths relative to the root) plus `apimsync.yaml` unless `files` has its own.
    public init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-\(UUID().uuidString)").path
        var all = files
        if all["apimsync.yaml"] == nil { all["apimsync.yaml"] = Self.config }
        for (path, text) in all {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    public var loader: ManifestLoader { ManifestLoader(configPath: root + "/apimsync.yaml") }

    /// The diagnostics of loading the repository, with the temporary root cut from the paths.
    public func diagnostics(environment: String? = nil) -> [String] {
        loader.load(environment: environment).diagnostics.map {
            $0.description.replacingOccurrences(of: root + "/", with: "")
        }
    }
}
