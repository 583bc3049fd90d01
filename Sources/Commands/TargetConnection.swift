import ArgumentParser
import Emulator
import Foundation
import ManagementClient
import Model
import Planner

/// A live connection to an environment's APIM service: a client, and the embedded emulator when the
/// environment's target is one (stopped by `close()`).
struct TargetConnection {
    let client: ARMClient
    /// The environment, endpoint and service, as plans and apply name them.
    let target: PlanTarget
    private let emulator: RunningEmulator?

    /// `enterpriseapim in rg-ai-gateway (https://management.azure.com)`, for progress lines.
    var description: String { "\(target.service) in \(target.resourceGroup) (\(target.endpoint))" }

    /// Connects to `environment`, starting the embedded emulator for `target.emulator` (its state file is
    /// relative to the configuration's folder). `readBudgetShare` scales the client's read bucket (the controller's
    /// share of the subscription's read budget).
    static func open(
        _ environment: EnvironmentConfig, configPath: String, concurrency: Int? = nil, readBudgetShare: Double = 1
    ) async throws -> TargetConnection {
        switch environment.target {
        case .emulator(let stateFile):
            let base = (configPath as NSString).deletingLastPathComponent
            let path = stateFile.hasPrefix("/") || base.isEmpty ? stateFile : base + "/" + stateFile
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            var options = EmulatorOptions()
            options.stateFile = path
            return try await embedded(
                options, environment: environment, endpoint: "embedded emulator (\(path))", concurrency: concurrency,
                readBudgetShare: readBudgetShare)
        case .arm(let target):
            let cloud: AzureCloud
            if target.cloud == "custom", let manager = target.customResourceManager,
                let authority = target.customAuthority
            {
                cloud = .custom(resourceManager: manager, authorityHost: authority)
            } else if let named = AzureCloud.named(target.cloud) {
                cloud = named
            } else {
                throw ValidationError("unknown cloud '\(target.cloud)'")
            }
            guard let kind = CredentialKind(name: target.auth) else {
                throw ValidationError("unknown auth '\(target.auth)'")
            }
            let credential = Credentials.make(kind, options: CredentialOptions(cloud: cloud))
            var configuration = ARMClientConfiguration(
                resourceManagerURL: target.endpoint ?? cloud.resourceManager, subscriptionID: target.subscriptionId,
                resourceGroup: target.resourceGroup, serviceName: target.service, scope: cloud.scope)
            configuration.pacing.apply(concurrency: concurrency, readBudgetShare: readBudgetShare)
            if let version = environment.apiVersion { configuration.apiVersion = version }
            let client = try ARMClient(configuration: configuration, credential: credential)
            let planTarget = PlanTarget(
                environment: environment.name, endpoint: configuration.resourceManagerURL,
                subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, service: target.service)
            return TargetConnection(client: client, target: planTarget, emulator: nil)
        }
    }

    /// A fresh in-memory embedded emulator for `environment` (whatever its target), at the environment's
    /// api-version: `apimsync test` applies the repository to it.
    static func freshEmulator(for environment: EnvironmentConfig) async throws -> TargetConnection {
        try await embedded(EmulatorOptions(), environment: environment, endpoint: "fresh embedded emulator")
    }

    /// Starts an embedded emulator with `options` (and a token made for it) and a client for it.
    private static func embedded(
        _ options: EmulatorOptions, environment: EnvironmentConfig, endpoint: String, concurrency: Int? = nil,
        readBudgetShare: Double = 1
    ) async throws -> TargetConnection {
        var options = options
        let token = UUID().uuidString
        options.token = token
        let emulator = try await EmulatorServer.start(options)
        var configuration = ARMClientConfiguration(
            resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
            resourceGroup: options.resourceGroup, serviceName: options.serviceName)
        configuration.pacing.apply(concurrency: concurrency, readBudgetShare: readBudgetShare)
        if let version = environment.apiVersion { configuration.apiVersion = version }
        let client = try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: token))
        let target = PlanTarget(
            environment: environment.name, endpoint: endpoint, subscriptionId: options.subscriptionId,
            resourceGroup: options.resourceGroup, service: options.serviceName)
        return TargetConnection(client: client, target: target, emulator: emulator)
    }

    /// The embedded emulator's state, for a gateway that serves what was applied to it.
    var emulatorState: EmulatorLiveState? { emulator?.liveState }

    func close() async {
        try? await emulator?.shutdown()
    }
}
