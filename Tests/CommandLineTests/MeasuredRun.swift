import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of the built `apimsync`, measured the way the hostile-input suite needs: how it ended (exit status or
/// the signal that killed it), its wall time and its own peak resident set size (from `wait4`, so other children of
/// the test process do not count), and everything it wrote.
///
/// The child is started with `posix_spawn`; a dedicated thread (not one of the concurrency pool's) waits for it, so
/// the pool is never blocked. A child still running after `deadline` is killed, so a hang fails its test instead
/// of the suite.
struct MeasuredRun: Sendable {
    /// The exit status, `nil` when a signal ended the process.
    var exitStatus: Int32?
    /// The signal that ended the process, if one did.
    var signal: Int32?
    var duration: Duration
    /// The CPU time the process used (user and system), which other processes competing for the CPU do not inflate.
    var cpuTime: Duration
    var peakResidentBytes: Int
    var output: String

    /// Runs `apimsync` with `arguments`; `environment` is added to this process's.
    static func apimsync(
        _ arguments: [String], environment: [String: String] = [:], deadline: Duration = .seconds(30)
    ) async throws -> MeasuredRun {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "apimsync-measured-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let started = ContinuousClock.now
        let pid = try spawn(TestPaths.binary.path, arguments, environment: merged, output: output.path)
        let watchdog = Task {
            try await Task.sleep(for: deadline)
            kill(pid, SIGKILL)
        }
        let (status, usage) = await wait(for: pid)
        let duration = ContinuousClock.now - started
        watchdog.cancel()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let signal = status & 0x7F
        return MeasuredRun(
            exitStatus: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
            duration: duration,
            cpuTime: .seconds(Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec))
                + .microseconds(Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)),
            peakResidentBytes: Int(usage.ru_maxrss) * 1024, output: text)
    }

    private static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String], output: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw TestSupportError("posix_spawn \(path) failed: \(result)") }
        return pid
    }

    /// The wait status and resource usage of `pid`, waited for on a thread of its own.
    private static func wait(for pid: pid_t) async -> (Int32, rusage) {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var status: Int32 = 0
                var usage = rusage()
                while wait4(pid, &status, 0, &usage) == -1, errno == EINTR {}
                continuation.resume(returning: (status, usage))
            }
            thread.start()
        }
    }
}
