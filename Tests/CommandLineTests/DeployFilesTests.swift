import Foundation
import TestSupport
import Testing
import YAML

/// The files under `deploy/` are parsed, and every `apimsync …` command they run is accepted by the real CLI, so a
/// renamed flag cannot silently break a team's pipeline.
@Suite struct DeployFilesTests {
    static let deploy = TestPaths.tests.deletingLastPathComponent().appendingPathComponent("deploy")

    static let kubernetesFiles = ["kubernetes/apimsync-reconcile.yaml", "kubernetes/apimsync-controller.yaml"]
    static let pipelineFiles = [
        "github/apimsync.yml", "github/apimsync-drift.yml", "github/release.yml", "azure-devops/azure-pipelines.yml",
        "azure-devops/apimsync-drift.yml",
    ]
    static let yamlFiles = kubernetesFiles + pipelineFiles

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

    /// `kubectl apply -f` of one file gives its pods what they name: the namespace and the service account.
    @Test(arguments: kubernetesFiles)
    func eachKubernetesFileAppliesOnItsOwn(_ file: String) throws {
        let objects = try Self.objects(in: file)
        /// `namespace/name` of each object of `kind` (an empty namespace for cluster-wide kinds).
        func defined(_ kind: String) -> Set<String> {
            var names: Set<String> = []
            for object in objects where object["kind"]?.scalar?.text == kind {
                let metadata = object["metadata"]
                guard let name = metadata?["name"]?.scalar?.text else { continue }
                let namespace: String = metadata?["namespace"]?.scalar?.text ?? ""
                names.insert(namespace + "/" + name)
            }
            return names
        }
        let namespaces = defined("Namespace")
        let serviceAccounts = defined("ServiceAccount")
        for object in objects {
            let namespace = object["metadata"]?["namespace"]?.scalar?.text
            if let namespace { #expect(namespaces.contains("/" + namespace), "\(file): namespace \(namespace)") }
            let pod =
                object["spec"]?["template"]?["spec"] ?? object["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
            if let account = pod?["serviceAccountName"]?.scalar?.text {
                #expect(
                    serviceAccounts.contains((namespace ?? "") + "/" + account), "\(file): service account \(account)")
            }
        }
        #expect(objects.contains { $0["spec"]?["template"] != nil || $0["spec"]?["jobTemplate"] != nil })
    }

    /// The jobs that run on merge apply the saved plan that was reviewed, and never plan anew.
    @Test func theMergeJobsApplyTheReviewedPlanInsteadOfReplanning() throws {
        let github = try Self.object(nil, in: "github/apimsync.yml")
        let githubApply = Self.scripts(in: try #require(github["jobs"]?["apply"]))
        let azure = try Self.object(nil, in: "azure-devops/azure-pipelines.yml")
        let stage = try #require(azure["stages"]?.sequence?.first { $0["stage"]?.scalar?.text == "apply" })
        #expect(stage["dependsOn"]?.sequence?.isEmpty == true, "the plan stage is skipped on main")
        for (name, scripts) in [("GitHub", githubApply), ("Azure DevOps", Self.scripts(in: stage))] {
            let commands = Self.commands(in: scripts.joined(separator: "\n"))
            #expect(
                commands.contains { $0.first == "apply" && $0.dropFirst().first?.hasSuffix("plan.json\"") == true },
                "\(name): \(commands)")
            #expect(commands.contains { $0.first == "validate" }, "\(name): \(commands)")
            #expect(!commands.contains { $0.first == "plan" }, "\(name): \(commands)")
        }
    }

    /// Pull requests upload the saved plan and post the Markdown one; drift jobs fail on exit code 2.
    @Test func pullRequestsSaveThePlanAndDriftJobsFailOnPendingChanges() throws {
        let github = try Self.object(nil, in: "github/apimsync.yml")
        let azure = try Self.object(nil, in: "azure-devops/azure-pipelines.yml")
        let azurePlan = try #require(azure["stages"]?.sequence?.first { $0["stage"]?.scalar?.text == "plan" })
        for scripts in [Self.scripts(in: try #require(github["jobs"]?["plan"])), Self.scripts(in: azurePlan)] {
            let plan = try #require(Self.commands(in: scripts.joined(separator: "\n")).first { $0.first == "plan" })
            #expect(plan.contains("--out") && plan.contains("markdown") && plan.contains("--detailed-exitcode"))
        }
        for file in ["github/apimsync-drift.yml", "azure-devops/apimsync-drift.yml"] {
            let text = try String(contentsOf: Self.deploy.appendingPathComponent(file), encoding: .utf8)
            let line = try #require(text.split(separator: "\n").first { $0.contains("apimsync plan") })
            #expect(line.contains("--detailed-exitcode"), "\(file)")
            #expect(!line.contains("||"), "\(file): exit code 2 must fail the job")
        }
    }

    /// Pull requests run the gateway tests before they plan, and publish the JUnit report even when a test fails.
    @Test func pullRequestsTestTheGatewayBeforePlanningAndPublishTheReport() throws {
        let github = try Self.object(nil, in: "github/apimsync.yml")
        let azure = try Self.object(nil, in: "azure-devops/azure-pipelines.yml")
        let githubPlan = try #require(github["jobs"]?["plan"])
        let azurePlan = try #require(azure["stages"]?.sequence?.first { $0["stage"]?.scalar?.text == "plan" })
        for (name, job) in [("GitHub", githubPlan), ("Azure DevOps", azurePlan)] {
            let commands = Self.commands(in: Self.scripts(in: job).joined(separator: "\n"))
            let test = try #require(commands.firstIndex { $0.first == "test" }, "\(name): \(commands)")
            let plan = try #require(commands.firstIndex { $0.first == "plan" }, "\(name): \(commands)")
            #expect(test < plan, "\(name): the gateway is tested before the plan")
            #expect(commands[test].contains("--junit-file"), "\(name): \(commands[test])")
        }
        let upload = try #require(
            githubPlan["steps"]?.sequence?.first { $0["with"]?["name"]?.scalar?.text == "apimsync-test" })
        #expect(upload["if"]?.scalar?.text.contains("failure()") == true)
        let steps = try #require(azurePlan["jobs"]?.sequence?.first?["steps"]?.sequence)
        let publish = try #require(steps.first { $0["task"]?.scalar?.text == "PublishTestResults@2" })
        #expect(publish["inputs"]?["testResultsFormat"]?.scalar?.text == "JUnit")
        #expect(publish["condition"]?.scalar?.text == "succeededOrFailed()")
    }

    /// No job runs the image (USER 10001, ENTRYPOINT apimsync) as its job container.
    @Test(arguments: pipelineFiles)
    func noJobRunsTheImageAsItsContainer(_ file: String) throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent(file), encoding: .utf8)
        #expect(
            !text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("container:") })
    }

    /// Every `run`, `script`, `bash` and `inlineScript` text under a node, in document order.
    static func scripts(in node: YAMLNode) -> [String] {
        switch node.content {
        case .scalar: return []
        case .sequence(let items): return items.flatMap(scripts)
        case .mapping(let pairs):
            return pairs.flatMap { pair -> [String] in
                if ["run", "script", "bash", "inlineScript"].contains(pair.key.scalar?.text ?? ""),
                    let text = pair.value.scalar?.text
                {
                    return text.split(separator: "\n").map { "run: " + $0.trimmingCharacters(in: .whitespaces) }
                }
                return scripts(in: pair.value)
            }
        }
    }

    /// The Kubernetes objects of a file under `deploy/`.
    static func objects(in file: String) throws -> [YAMLNode] {
        let text = try String(contentsOf: deploy.appendingPathComponent(file), encoding: .utf8)
        return try YAMLParser.parse(text, file: file).compactMap(\.root)
    }

    /// The first Kubernetes object of `kind` in a file under `deploy/`.
    static func object(_ kind: String?, in file: String) throws -> YAMLNode {
        try #require(objects(in: file).first { kind == nil || $0["kind"]?.scalar?.text == kind })
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
