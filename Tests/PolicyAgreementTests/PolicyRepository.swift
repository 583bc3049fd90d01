import Emulator
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner
import Reconcile
import Testing

/// A GitOps repository in a temporary folder, planned against an emulator.
struct PolicyRepository: ~Copyable {
    let root: URL

    static let config = """
        apiVersion: apimsync/v1
        kind: Config
        spec:
          environments:
            local:
              target: { emulator: state.json }

        """

    static var emulatorOptions: EmulatorOptions {
        var options = EmulatorOptions()
        options.port = 0
        options.token = "test-token"
        return options
    }

    init(files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-policy-\(UUID().uuidString)")
        var all = files
        if all["apimsync.yaml"] == nil { all["apimsync.yaml"] = Self.config }
        for (path, text) in all {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var configPath: String { root.appendingPathComponent("apimsync.yaml").path }

    /// Loads the manifests (failing the test on any error) and plans them against `client`, as `plan` does.
    func plan(client: ARMClient) async throws -> (Plan, State) {
        let (found, diagnostics) = ReconcileUseCase(configPath: configPath, environment: nil).load()
        let loaded = try #require(found, Comment(rawValue: diagnostics.map(\.description).joined(separator: "\n")))
        let planned = await ReconcileUseCase(configPath: configPath, environment: nil).plan(
            loaded, client: client, target: nil, options: .init())
        return (planned.plan, loaded.desired)
    }

    static func client(for emulator: RunningEmulator) throws -> ARMClient {
        let options = emulatorOptions
        var retry = RetryPolicy.default
        retry.baseDelaySeconds = 0.01
        retry.maxDelaySeconds = 0.05
        let configuration = ARMClientConfiguration(
            resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
            resourceGroup: options.resourceGroup, serviceName: options.serviceName, retry: retry,
            pollingIntervalSeconds: 0.01, minimumPollingIntervalSeconds: 0.01)
        return try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: "test-token"))
    }
}
