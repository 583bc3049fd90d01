import ArgumentParser
import Emulator
import Foundation
import ManagementClient
import Model

/// A live connection to an environment's APIM service: a client, and the embedded emulator when the
/// environment's target is one (stopped by `close()`).
struct TargetConnection {
    let client: ARMClient
    let description: String
    private let emulator: RunningEmulator?

    /// Connects to `environment`, starting the embedded emulator for `target.emulator` (its state file is
    /// relative to the configuration's folder).
    static func open(
        _ environment: EnvironmentConfig, configPath: String, concurrency: Int? = nil
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
            let token = UUID().uuidString
            options.token = token
            let emulator = try await EmulatorServer.start(options)
            var configuration = ARMClientConfiguration(
                resourceManagerURL: emulator.baseURL, subscriptionID: options.subscriptionId,
                resourceGroup: options.resourceGroup, serviceName: options.serviceName)
            if let concurrency { configuration.pacing.maxConcurrency = concurrency }
            let client = try ARMClient(configuration: configuration, credential: StaticTokenCredential(token: token))
            return TargetConnection(client: client, description: "embedded emulator (\(path))", emulator: emulator)
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
            if let concurrency { configuration.pacing.maxConcurrency = concurrency }
            let client = try ARMClient(configuration: configuration, credential: credential)
            return TargetConnection(
                client: client,
                description: "\(target.service) in \(target.resourceGroup) (\(configuration.resourceManagerURL))",
                emulator: nil)
        }
    }

    func close() async {
        try? await emulator?.shutdown()
    }
}
