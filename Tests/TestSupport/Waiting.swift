import Foundation
import ManagementClient

/// Waiting in tests that watch another process or server, where no event can be awaited directly.
public enum Eventually {
    /// Polls `condition` every 20 ms for up to `seconds` (generous: it costs nothing when the condition holds, and
    /// a busy two-core machine can delay a process's work by many seconds); throws when it never holds.
    public static func waitUntil(
        seconds: Double = 60, _ what: String = "condition", _ condition: () async -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(seconds * 1000))
        while clock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("\(what) not met within \(seconds) s")
    }
}

/// Small tools tests run beside the code under test.
public enum TestTools {
    /// Runs git with a fixed identity; its trimmed output. Throws when git fails.
    @discardableResult
    public static func git(_ arguments: [String]) async throws -> String {
        let identity = ["-c", "user.name=apimsync tests", "-c", "user.email=tests@apimsync.invalid"]
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/git"), identity + arguments)
        guard result.status == 0 else {
            throw TestSupportError("git \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A plain GET (no token), for the controller's and emulator's own endpoints.
    public static func get(_ url: String) async throws -> TransportResponse {
        try await AsyncHTTPTransport.shared.send(TransportRequest(method: "GET", url: url), timeout: .seconds(5))
    }
}
