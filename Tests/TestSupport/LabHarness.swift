import Emulator
import Executor
import Foundation
import ManagementClient
import Manifests
import Model
import Planner
import Reconcile

/// A copy of the reference lab (`Tests/Fixtures/lab`, the tests' copy of `manifests/`) in a temporary folder, so
/// tests can edit it, with an in-process emulator on port 0 and a client for it.
///
/// `LabHarness.with { lab in … }` shuts the emulator down however the body ends; a harness made with `init` must be
/// shut down by its test.
public final class LabHarness {
    public let root: URL
    public let configPath: String
    public let emulator: RunningEmulator
    public let client: ARMClient

    /// Runs `body` with a fresh harness and shuts its emulator down afterwards, whatever the body does.
    public static func with<Result>(
        repository: String = "examples/plain", options: EmulatorOptions = EmulatorOptions(),
        _ body: (LabHarness) async throws -> Result
    ) async throws -> Result {
        let lab = try await LabHarness(repository: repository, options: options)
        do {
            let result = try await body(lab)
            await lab.shutdown()
            return result
        } catch {
            await lab.shutdown()
            throw error
        }
    }

    /// - Parameters:
    ///   - repository: the repository inside the lab to use (`""` for the lab, `examples/plain`).
    ///   - options: the emulator's options (latency, faults, a state file shared between runs).
    public init(repository: String = "examples/plain", options: EmulatorOptions = EmulatorOptions()) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestPaths.lab, to: root.appendingPathComponent("manifests"))
        configPath =
            root.appendingPathComponent("manifests").appendingPathComponent(repository)
            .appendingPathComponent("apimsync.yaml").path
        var options = options
        options.token = "test-token"
        emulator = try await EmulatorServer.start(options)
        client = try Self.client(for: emulator, options: options)
    }

    /// A client for `emulator` with quick retries and polling.
    public static func client(for emulator: RunningEmulator, options: EmulatorOptions) throws -> ARMClient {
        var retry = RetryPolicy.default
        retry.baseDelaySeconds = 0.01
        retry.maxDelaySeconds = 0.05
        let configuration = ARMClientConfiguration(
            resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
            resourceGroup: options.resourceGroup, serviceName: options.serviceName, retry: retry,
            pollingIntervalSeconds: 0.01, minimumPollingIntervalSeconds: 0.01)
        return try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: "test-token"))
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    public func shutdown() async { try? await emulator.shutdown() }

    /// The desired state; loading errors are thrown.
    public func desired() throws -> (State, RepositoryConfig) {
        let result = ManifestLoader(configPath: configPath).load()
        guard !result.hasErrors, let config = result.config else {
            throw TestSupportError(result.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return (result.state, config)
    }

    /// A plan of the lab against the emulator (or `client`), as `plan` makes it; loading errors are thrown.
    public func plan(using client: ARMClient? = nil, withETags: Bool = false) async throws -> (Plan, State) {
        let (found, diagnostics) = ReconcileUseCase(configPath: configPath, environment: nil).load()
        guard let loaded = found else {
            throw TestSupportError(diagnostics.map(\.description).joined(separator: "\n"))
        }
        let planned = await ReconcileUseCase(
            configPath: configPath, environment: nil,
            secrets: SecretResolver(configPath: configPath, placeholders: true)
        ).plan(loaded, client: client ?? self.client, target: nil, options: .init(withETags: withETags))
        return (planned.plan, loaded.desired)
    }

    /// Placeholder values for every secret named value (the tests never need real ones).
    public static func secretValues(_ state: State) -> [ResourceID: [String: String]] {
        var values: [ResourceID: [String: String]] = [:]
        for resource in state.resources.values {
            for path in resource.secrets.keys { values[resource.id, default: [:]][path] = "s3cr3t-\(resource.id.name)" }
        }
        return values
    }

    /// Applies `plan` with placeholder secret values.
    public func apply(
        _ plan: Plan, desired: State, using client: ARMClient? = nil, useETags: Bool = false
    ) async -> ApplyReport {
        await Executor(api: client ?? self.client, useETags: useETags).apply(
            plan, desired: desired, secretValues: Self.secretValues(desired))
    }

    /// Requests that write (PUT, PATCH, DELETE, POST) the emulator has served so far.
    public func writes() async -> Int {
        let stats = await emulator.stats()
        return ["PUT", "PATCH", "DELETE", "POST"].reduce(0) { $0 + (stats.byMethod[$1] ?? 0) }
    }

    /// Adds an environment `ci` that reaches this harness's emulator as an ARM endpoint with a static token
    /// (`APIMSYNC_TOKEN=test-token`), with the `local` environment's variables, for runs of the real binary.
    public func addEndpointEnvironment() throws {
        try edit(
            "apimsync.yaml", replacing: "  environments:\n",
            with: """
                  environments:
                    ci:
                      target:
                \(EmulatorHarness.endpointTarget(for: emulator, indent: 8))
                      variables:
                        aoai01: https://apimaoai01.openai.azure.com
                        aoai02: https://apimaoai02.openai.azure.com
                        appinsightsResourceId: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ai-gateway/providers/microsoft.insights/components/appi-ai-gateway

                """)
    }

    /// Replaces text in a file of the repository (relative to `apimsync.yaml`); the text must be there.
    public func edit(_ relativePath: String, replacing old: String, with new: String) throws {
        let url = URL(fileURLWithPath: configPath).deletingLastPathComponent().appendingPathComponent(relativePath)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard text.contains(old) else { throw TestSupportError("\(relativePath) does not contain \(old)") }
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// Changes the URL of the lab's first backend in the emulator, as someone in the portal would; its id.
    public func driftFirstBackend() async throws -> ResourceID {
        let (desired, _) = try desired()
        guard let backend = desired.resources(of: .backend).first else { throw TestSupportError("no backend") }
        var properties = backend.properties
        properties["url"] = "https://drifted.example.com/openai"
        _ = try await client.put(backend.id, properties: properties)
        return backend.id
    }
}
