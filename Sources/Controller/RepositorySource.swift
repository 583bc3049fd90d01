import Foundation

/// The manifests' git checkout: optionally fast-forwarded before each cycle, and asked for its revision.
/// Without `pull`, another process (a git-sync sidecar, a mounted volume) keeps the files current.
public struct RepositorySource: Sendable {
    /// A git command that failed.
    public struct GitError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The folder holding the checkout (any folder inside it works).
    public let directory: String
    /// Run `git pull --ff-only` before each cycle.
    public let pull: Bool
    let git: String

    public init(directory: String, pull: Bool, git: String = "/usr/bin/git") {
        self.directory = directory
        self.pull = pull
        self.git = git
    }

    /// Fast-forwards the checkout when `pull` is set.
    public func update() async throws {
        guard pull else { return }
        _ = try await run(["pull", "--ff-only", "--quiet"])
    }

    /// The commit checked out, or nil when the folder is not a git checkout.
    public func revision() async -> String? {
        guard let output = try? await run(["rev-parse", "HEAD"]) else { return nil }
        let revision = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return revision.isEmpty ? nil : revision
    }

    /// The files changed in the working tree since `reference` (committed, uncommitted and untracked), as
    /// absolute paths with symbolic links resolved.
    public func changedFiles(since reference: String) async throws -> Set<String> {
        let top = try await run(["rev-parse", "--show-toplevel"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let changed = try await run(["diff", "--name-only", "--no-renames", reference, "--"])
        let untracked = try await run(["ls-files", "--others", "--exclude-standard", "--full-name"])
        let names = (changed + "\n" + untracked).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        return Set(names.map { Self.canonical(top + "/" + $0) })
    }

    /// `path` made absolute (against the current folder) with symbolic links resolved, for comparing paths.
    public static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Runs git in `directory`; its output goes to a temporary file and the exit is awaited through
    /// `terminationHandler`, so no thread of the concurrency pool blocks on it.
    private func run(_ arguments: [String]) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-git-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = ["-C", directory] + arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        process.environment = environment
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: GitError(description: "cannot run \(git): \(error)"))
            }
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let detail = text.trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitError(description: "git \(arguments.joined(separator: " ")) exited with \(status): \(detail)")
        }
        return text
    }
}
