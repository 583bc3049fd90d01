import Foundation
import Logging
import Model

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

/// Runs a child process off the cooperative pool, with a timeout; cancellation terminates it.
enum ProcessRunner {
    static func run(
        _ executable: String, arguments: [String], environment: [String: String], timeoutSeconds: Double
    ) async throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let box = ProcessBox(process)
        let timer = Task {
            try await Task.sleep(for: .nanoseconds(Int64(timeoutSeconds * 1e9)))
            box.terminate(timedOut: true)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    let errorData = DispatchQueue.global()
                    let group = DispatchGroup()
                    nonisolated(unsafe) var errBytes: [UInt8] = []
                    group.enter()
                    errorData.async {
                        errBytes = Array(stderr.fileHandleForReading.readDataToEndOfFile())
                        group.leave()
                    }
                    let outBytes = Array(stdout.fileHandleForReading.readDataToEndOfFile())
                    group.wait()
                    process.waitUntilExit()
                    continuation.resume(
                        returning: ProcessResult(
                            status: process.terminationStatus, stdout: outBytes, stderr: errBytes,
                            timedOut: box.timedOut))
                }
            }
        } onCancel: {
            box.terminate(timedOut: false)
        }
    }
}

/// The running process, shared between the reader, the timer and the cancellation handler.
private final class ProcessBox: @unchecked Sendable {
    private let lock = NSLock()
    private let process: Process
    private var didTimeOut = false

    init(_ process: Process) { self.process = process }

    var timedOut: Bool { lock.withLock { didTimeOut } }

    func terminate(timedOut: Bool) {
        lock.withLock {
            if timedOut { didTimeOut = true }
            if process.isRunning { process.terminate() }
        }
    }
}
