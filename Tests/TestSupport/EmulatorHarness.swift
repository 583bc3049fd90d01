import Emulator
import ManagementClient

/// An in-process emulator on port 0 with a client for it, shut down however the body ends.
public enum EmulatorHarness {
    /// The bearer token the harness's emulator accepts.
    public static let token = "test-token"

    /// Runs `body` with a fresh emulator (options changed by `configure`) and a client with quick retries.
    public static func with<Result>(
        _ configure: (inout EmulatorOptions) -> Void = { _ in },
        _ body: (RunningEmulator, ARMClient) async throws -> Result
    ) async throws -> Result {
        var options = EmulatorOptions()
        options.port = 0
        configure(&options)
        options.token = token
        let emulator = try await EmulatorServer.start(options)
        do {
            let result = try await body(emulator, try LabHarness.client(for: emulator, options: options))
            try? await emulator.shutdown()
            return result
        } catch {
            try? await emulator.shutdown()
            throw error
        }
    }

    /// The `target:` fields of an environment that reaches `emulator` as an ARM endpoint with a static token
    /// (`APIMSYNC_TOKEN=test-token`), one per line, each indented by `indent` spaces.
    public static func endpointTarget(for emulator: RunningEmulator, indent: Int, apiVersion: String? = nil) -> String {
        let options = EmulatorOptions()
        var fields = [
            "endpoint: \(emulator.baseURL)", "subscriptionId: \(options.subscriptionId)",
            "resourceGroup: \(options.resourceGroup)", "service: \(options.serviceName)", "auth: token",
        ]
        if let apiVersion { fields.append("apiVersion: \(apiVersion)") }
        return fields.map { String(repeating: " ", count: indent) + $0 }.joined(separator: "\n")
    }
}
