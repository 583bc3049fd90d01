import Foundation
import Logging
import Model
import Synchronization

/// The signed-in Azure CLI: runs `az account get-access-token --resource {resource} -o json`.
public struct AzureCLICredential: TokenCredential {
    public var credentialName: String { "azureCli" }
    private let options: CredentialOptions
    private let cache: TokenCache

    public init(options: CredentialOptions) {
        self.options = options
        cache = options.makeCache()
    }

    public func invalidateToken(for scope: String) async { await cache.invalidate(scope) }

    public func token(for scope: String) async throws -> AccessToken {
        try await cache.token(for: scope) { [self] in try await fetch(scope: scope) }
    }

    /// The `az` executable: the configured path, else the first `az` on `PATH`.
    func executable() -> String? {
        if let path = options.azureCLIPath { return path }
        let path = options.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/az"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private func fetch(scope: String) async throws -> AccessToken {
        var resource = scope
        if resource.hasSuffix("/.default") { resource.removeLast("/.default".count) }
        guard let executable = executable() else {
            throw CredentialError.unavailable(credentialName, "the Azure CLI (az) is not installed or not on PATH")
        }
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(
                executable, arguments: ["account", "get-access-token", "--resource", resource, "-o", "json"],
                environment: options.environment, timeoutSeconds: options.azureCLITimeoutSeconds)
        } catch {
            throw CredentialError.unavailable(credentialName, "cannot run \(executable): \(error)")
        }
        if result.timedOut {
            throw CredentialError.failed(
                credentialName,
                "az account get-access-token did not finish within \(Int(options.azureCLITimeoutSeconds))s")
        }
        let stderr = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0 else {
            let firstLine = stderr.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if stderr.contains("az login") || stderr.contains("not logged in") {
                throw CredentialError.unavailable(credentialName, "not signed in; run `az login` (\(firstLine))")
            }
            throw CredentialError.failed(
                credentialName, "az exited with status \(result.status)" + (firstLine.isEmpty ? "" : ": " + firstLine))
        }
        guard let json = try? JSONValue.parse(result.stdout), let token = json["accessToken"]?.stringValue,
            !token.isEmpty
        else {
            throw CredentialError.failed(credentialName, "az printed no accessToken")
        }
        let expiresOn: Date
        if let epoch = TokenExpiry.seconds(json["expires_on"]) {
            expiresOn = Date(timeIntervalSince1970: epoch)
        } else if let text = json["expiresOn"]?.stringValue, let local = Self.parseLocalDate(text) {
            expiresOn = local
        } else {
            expiresOn = options.now().addingTimeInterval(300)
        }
        options.logger.debug("acquired token", metadata: ["credential": "\(credentialName)"])
        return AccessToken(token: token, expiresOn: expiresOn)
    }

    /// Older CLIs print `expiresOn` as local time, `2024-05-01 12:00:00.000000`.
    static func parseLocalDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

struct ProcessResult: Sendable {
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]
    var timedOut: Bool
}

/// Runs a child process without blocking a thread of the concurrency pool, with a timeout; cancellation
/// terminates it. Output goes to temporary files (a full pipe would stall the child), and the exit is awaited
/// through `terminationHandler`.
enum ProcessRunner {
    static func run(
        _ executable: String, arguments: [String], environment: [String: String], timeoutSeconds: Double
    ) async throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("apimsync-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("apimsync-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let (exited, continuation) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in continuation.finish() }
        try process.run()
        let box = ProcessBox(process)
        let timer = Task {
            try await Task.sleep(for: .nanoseconds(Int64(timeoutSeconds * 1e9)))
            box.terminate(timedOut: true)
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            for await _ in exited {}
        } onCancel: {
            box.terminate(timedOut: false)
        }
        try? outHandle.close()
        try? errHandle.close()
        let stdout = (try? Data(contentsOf: outURL)).map(Array.init) ?? []
        let stderr = (try? Data(contentsOf: errURL)).map(Array.init) ?? []
        return ProcessResult(status: process.terminationStatus, stdout: stdout, stderr: stderr, timedOut: box.timedOut)
    }
}

/// The running process, shared between the timer and the cancellation handler.
private final class ProcessBox: Sendable {
    private let state: Mutex<(process: Process, timedOut: Bool)>

    init(_ process: Process) { state = Mutex((process, false)) }

    var timedOut: Bool { state.withLock { $0.timedOut } }

    func terminate(timedOut: Bool) {
        state.withLock { state in
            if timedOut { state.timedOut = true }
            if state.process.isRunning { state.process.terminate() }
        }
    }
}
