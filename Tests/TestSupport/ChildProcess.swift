import Foundation

/// Runs the `apimsync` binary without ever blocking a thread of the concurrency pool: tests that block it (with
/// `waitUntilExit`, or reading a pipe to its end) starve the in-process emulator the child is talking to, which on
/// a 2-core machine stalls everything. Output goes to a file; exit is awaited through `terminationHandler`.
public struct ChildProcess {
    public let process: Process
    private let exited: AsyncStream<Void>
    private let outputFile: URL

    /// Starts `binary` with `arguments` in `directory` (default: the temporary folder); `environment` is added to
    /// this process's environment.
    public static func start(
        _ binary: URL, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) throws -> ChildProcess {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory ?? FileManager.default.temporaryDirectory
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apimsync-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        let (exited, continuation) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            try? handle.close()
            continuation.finish()
        }
        try process.run()
        return ChildProcess(process: process, exited: exited, outputFile: outputFile)
    }

    /// What the child has written so far.
    public func outputSoFar() -> String {
        (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }

    /// Waits for the child to end; its exit status, how it ended, and everything it wrote.
    /// When the waiting task is cancelled (a test's time limit) before the child ends, the child is killed and the
    /// status is -1: Foundation traps on the status of a process that still runs.
    public func finished() async -> (status: Int32, reason: Process.TerminationReason, output: String) {
        for await _ in exited {}
        let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        guard !process.isRunning else {
            process.terminate()
            return (-1, .uncaughtSignal, output + "\n[still running when the wait was cancelled; terminated]")
        }
        try? FileManager.default.removeItem(at: outputFile)
        return (process.terminationStatus, process.terminationReason, output)
    }

    /// Runs to the end.
    public static func run(
        _ binary: URL, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) async throws -> (status: Int32, output: String) {
        let result = try await start(binary, arguments, environment: environment, directory: directory).finished()
        return (result.status, result.output)
    }
}

extension ChildProcess {
    /// Runs the built `apimsync` with `arguments` to the end.
    public static func apimsync(
        _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) async throws -> (status: Int32, output: String) {
        try await run(TestPaths.binary, arguments, environment: environment, directory: directory)
    }
}
