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
}
