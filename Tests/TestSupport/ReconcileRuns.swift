import Emulator
import Executor
import Foundation
import ManagementClient
import Model
import Planner
import Reconcile

/// One `apply` run of a repository through the use case `apimsync apply` takes (load → read → plan → blockers →
/// apply), with a client the test configures (short retries, a short long-running-operation timeout) and a hook
/// between planning and applying, where a test can make a concurrent edit.
public struct ReconcileRuns: Sendable {
    public let configPath: String
    /// The environment of `apimsync.yaml` to load (`nil`: the default one).
    public let environment: String?

    public init(configPath: String, environment: String? = nil) {
        self.configPath = configPath
        self.environment = environment
    }

    /// How one run ended.
    public enum Outcome: Sendable {
        /// Reading APIM failed: like `apply`, the run stops before writing (the causes, one per line).
        case readFailed([String])
        /// The plan is blocked: nothing written.
        case blocked([String])
        /// `No changes.`: APIM matches the manifests.
        case converged
        /// Changes were applied; how many failed.
        case applied(changes: Int, failed: Int, failures: [String])
    }

    /// Plans with live ETags and applies with `If-Match` (as `apply plan.json` does), so an edit made between the
    /// two by someone else is refused with 412 rather than overwritten.
    public func run(
        client: ARMClient, beforeApply: @Sendable (Plan) async -> Void = { _ in }
    ) async throws -> Outcome {
        let useCase = ReconcileUseCase(
            configPath: configPath, environment: environment,
            secrets: SecretResolver(configPath: configPath, placeholders: true))
        let (found, diagnostics) = useCase.load()
        guard let loaded = found else {
            throw TestSupportError(diagnostics.map(\.description).joined(separator: "\n"))
        }
        let planned = await useCase.plan(loaded, client: client, target: nil, options: .init(withETags: true))
        if !planned.readFailures.isEmpty { return .readFailed(planned.readFailures.summary) }
        if !planned.plan.blockers.isEmpty { return .blocked(planned.plan.blockers) }
        if !planned.plan.hasChanges { return .converged }
        await beforeApply(planned.plan)
        let report = await useCase.apply(
            planned.plan, loaded: loaded, secrets: planned.secrets, api: client, useETags: true)
        let failures = report.outcomes.compactMap { item -> String? in
            if case .failed(let why) = item.outcome { return "\(item.change.id): \(why)" }
            return nil
        }
        return .applied(changes: planned.plan.changes.count, failed: report.failed, failures: failures)
    }

    /// A client for `emulator` that gives up quickly: `attempts` tries per request with millisecond backoff,
    /// and long-running operations abandoned after `operationTimeout` seconds (generous request timeouts, so a
    /// loaded machine slows it down rather than failing it).
    public static func client(
        for emulator: RunningEmulator, attempts: Int, operationTimeout: Double = 0.3, apiVersion: String? = nil
    ) throws -> ARMClient {
        let options = EmulatorOptions()
        let retry = RetryPolicy(
            maxAttempts: attempts, maxElapsedSeconds: 60, baseDelaySeconds: 0.002, maxDelaySeconds: 0.01,
            defaultThrottleDelaySeconds: 0.01, requestTimeoutSeconds: 30)
        var configuration = ARMClientConfiguration(
            resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
            resourceGroup: options.resourceGroup, serviceName: options.serviceName, retry: retry,
            longRunningTimeoutSeconds: operationTimeout, pollingIntervalSeconds: 0.01,
            minimumPollingIntervalSeconds: 0.01)
        if let apiVersion { configuration.apiVersion = apiVersion }
        return try ARMClient(
            configuration: configuration, credential: StaticTokenCredential(token: EmulatorHarness.token))
    }

    /// The entities of an emulator state file: internal key → ARM properties.
    public static func entities(inStateFile path: String) throws -> [String: JSONValue] {
        let root = try JSONValue.parse(String(contentsOfFile: path, encoding: .utf8))
        var entities: [String: JSONValue] = [:]
        for item in root["entities"]?.arrayValue ?? [] {
            guard let key = item["key"]?.stringValue else { continue }
            entities[key] = item["properties"] ?? .null
        }
        return entities
    }
}

extension ReconcileRuns {
    /// The desired state of the repository (`nil` and the diagnostics when it has errors).
    public func desired() -> (State?, [String]) {
        let (found, diagnostics) = ReconcileUseCase(configPath: configPath, environment: environment).load()
        return (found?.desired, diagnostics.map(\.description))
    }
}
