import Foundation
import TestSupport
import Testing
import YAML

/// The files under `deploy/` are parsed, and every `apimsync …` command they run is accepted by the real CLI, so a
/// renamed flag cannot silently break a team's pipeline.
@Suite struct DeployFilesTests {
    static let deploy = TestPaths.tests.deletingLastPathComponent().appendingPathComponent("deploy")

    static let yamlFiles = [
        "kubernetes/apimsync-reconcile.yaml", "kubernetes/apimsync-controller.yaml", "github/apimsync.yml",
        "azure-devops/azure-pipelines.yml",
    ]

    /// The `apimsync` command lines in a file (shell redirections and `||` tails cut off).
    static func commands(in text: String) -> [[String]] {
        var result: [[String]] = []
        for line in text.split(separator: "\n") {
            guard let start = line.range(of: "apimsync ") else { continue }
            let before = line[..<start.lowerBound]
            guard
                before.allSatisfy({ " -:\"'[".contains($0) }) || before.hasSuffix("run: ")
                    || before.hasSuffix("script: ")
            else { continue }
            var words: [String] = []
            for word in line[start.upperBound...].split(separator: " ") {
                if [">", "||", "&&", "|", "#"].contains(where: { word.hasPrefix($0) }) { break }
                words.append(String(word))
            }
            if !words.isEmpty { result.append(words) }
        }
        return result
    }

    @Test(arguments: yamlFiles)
    func parsesAsYAML(_ file: String) throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent(file), encoding: .utf8)
        let documents = try YAMLParser.parse(text, file: file)
        #expect(!documents.isEmpty)
    }

    @Test func theCronJobAppliesWithoutAskingAndLogsJSON() async throws {
        let cronJob = try Self.object("CronJob", in: "kubernetes/apimsync-reconcile.yaml")
        #expect(cronJob["spec"]?["concurrencyPolicy"]?.scalar?.text == "Forbid")
        let container = cronJob["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]?["containers"]?.sequence?.first
        let args = container?["args"]?.sequence?.compactMap { $0.scalar?.text } ?? []
        #expect(args.first == "apply")
        #expect(args.contains("--auto-approve"))
        #expect(args.contains("--log-format"))
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let output = try await Self.run(args.map { $0 == "/repo/apimsync.yaml" ? "/nonexistent/apimsync.yaml" : $0 })
        #expect(output.contains("cannot read the configuration '/nonexistent/apimsync.yaml'"), "\(output)")
    }

    @Test func theControllerDeploymentRunsOneReplicaWithProbesOnItsEndpoints() async throws {
        let deployment = try Self.object("Deployment", in: "kubernetes/apimsync-controller.yaml")
        #expect(deployment["spec"]?["replicas"]?.scalar?.text == "1")
        #expect(deployment["spec"]?["strategy"]?["type"]?.scalar?.text == "Recreate")
        let containers = deployment["spec"]?["template"]?["spec"]?["containers"]?.sequence ?? []
        let container = try #require(containers.first { $0["name"]?.scalar?.text == "apimsync" })
        #expect(container["livenessProbe"]?["httpGet"]?["path"]?.scalar?.text == "/healthz")
        #expect(container["readinessProbe"]?["httpGet"]?["path"]?.scalar?.text == "/readyz")
        let args = container["args"]?.sequence?.compactMap { $0.scalar?.text } ?? []
        #expect(args.first == "controller")
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        let output = try await Self.run(
            args.map { $0 == "/repo/current/apimsync.yaml" ? "/nonexistent/apimsync.yaml" : $0 })
        #expect(output.contains("cannot read the configuration '/nonexistent/apimsync.yaml'"), "\(output)")
    }

    /// The first Kubernetes object of `kind` in a file under `deploy/`.
    static func object(_ kind: String, in file: String) throws -> YAMLNode {
        let text = try String(contentsOf: deploy.appendingPathComponent(file), encoding: .utf8)
        let documents = try YAMLParser.parse(text, file: file)
        return try #require(documents.compactMap(\.root).first { $0["kind"]?.scalar?.text == kind })
    }

    static func run(_ arguments: [String]) async throws -> String {
        try await ChildProcess.run(TestPaths.binary, arguments).output
    }

    @Test func everyCommandLineIsAcceptedByTheCLI() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.binary.path))
        var checked = 0
        for file in Self.yamlFiles {
            let text = try String(contentsOf: Self.deploy.appendingPathComponent(file), encoding: .utf8)
            for command in Self.commands(in: text) {
                // Parsing happens before the configuration is read: a missing one fails later, as a usage error.
                let output = try await Self.run(command)
                for rejection in [
                    "Unknown option", "Unexpected argument", "Missing expected argument", "is not a valid value",
                ] {
                    #expect(
                        !output.contains(rejection), "\(file): apimsync \(command.joined(separator: " ")): \(output)")
                }
                checked += 1
            }
        }
        #expect(checked >= 8)
    }
}
