import Foundation
import Model

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files a repository configuration names, relative to the configuration's folder, and shows their
/// paths the way the user wrote the configuration path.
///
/// Every file is checked before it is read: it must be a regular file (not a folder, a FIFO or a device), no bigger
/// than its limit in ``InputLimits``, and inside the repository's ``boundary`` once symbolic links are resolved, so
/// that `policyFile: ../../etc/passwd` or a link out of the repository is an error rather than a way to read (and
/// upload) any file of the machine.
struct ManifestFiles: Sendable {
    /// The configuration's folder as the user would write it (`manifests`, or `` for the current folder).
    var base: String
    /// The folder (absolute, symbolic links resolved) no file read may be outside of; `nil` when the
    /// configuration's folder cannot be resolved (then nothing is read from it anyway).
    var boundary: String?

    init(base: String) {
        self.base = base
        self.boundary = ManifestFiles.boundary(ofConfigurationFolder: base.isEmpty ? "." : base)
    }

    /// The folder a repository's files must stay in: the enclosing Git work tree (the nearest folder, from the
    /// configuration's up, that has a `.git`); outside Git, the outermost folder at most three levels above the
    /// configuration's that holds an `apimsync.yaml` (an example repository nested in another may share the
    /// enclosing one's files); else the configuration's own folder.
    static func boundary(ofConfigurationFolder folder: String) -> String? {
        guard let resolved = realPath(folder) else { return nil }
        var candidate = resolved
        var outermostConfig = resolved
        var level = 0
        while true {
            if FileManager.default.fileExists(atPath: candidate + "/.git") { return candidate }
            if level <= 3, candidate != resolved, FileManager.default.fileExists(atPath: candidate + "/apimsync.yaml") {
                outermostConfig = candidate
            }
            guard candidate != "/" else { break }
            candidate = (candidate as NSString).deletingLastPathComponent
            if candidate.isEmpty { candidate = "/" }
            level += 1
        }
        return outermostConfig
    }

    /// The absolute path with symbolic links resolved, `nil` if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `base/relative`, or `relative` when the base is the current folder; absolute paths stay as they are.
    func displayPath(_ relative: String) -> String {
        if relative.hasPrefix("/") || base.isEmpty || base == "." { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// Why the file at `path` (as shown) cannot be read, or `nil` when it can: it must exist, be a regular file of
    /// at most `limit` bytes and (when `contained`) lie inside the boundary.
    func problem(reading path: String, limit: Int, contained: Bool = true) -> String? {
        // The C calls below would read only up to a NUL: `a.xml\0../../x` must not be taken for `a.xml`.
        if path.unicodeScalars.contains("\0") { return "contains a NUL character" }
        if path.isEmpty { return "is an empty path" }
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT: return lstatExists(path) ? "is a symbolic link to nothing" : "does not exist"
            case ELOOP: return "is a symbolic link that loops"
            default: return "cannot be read"
            }
        }
        if contained, let outside = outsideBoundary(path) { return outside }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { return "is a folder" }
        guard type == S_IFREG else { return "is not a regular file (a FIFO, a socket or a device)" }
        if Int(info.st_size) > limit { return "is \(info.st_size) bytes; files of at most \(limit) bytes are read" }
        return nil
    }

    /// Why `path` is outside the boundary, or `nil` when it is inside.
    func outsideBoundary(_ path: String) -> String? {
        guard let boundary, let resolved = Self.realPath(path) else { return "cannot be resolved" }
        if resolved == boundary || resolved.hasPrefix(boundary.hasSuffix("/") ? boundary : boundary + "/") {
            return nil
        }
        return "leads outside the repository (to '\(resolved)', which is not under '\(boundary)')"
    }

    private func lstatExists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The bytes of the file at `path` (as shown) after ``problem(reading:limit:contained:)`` found none, or the
    /// problem.
    func contents(of path: String, limit: Int, contained: Bool = true) -> Result<Data, FileProblem> {
        if let problem = problem(reading: path, limit: limit, contained: contained) {
            return .failure(FileProblem(reason: problem))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileProblem(reason: "cannot be read"))
        }
        // The file may have grown since it was checked.
        guard data.count <= limit else {
            return .failure(FileProblem(reason: "is \(data.count) bytes; files of at most \(limit) bytes are read"))
        }
        return .success(data)
    }

    /// The file's text, or `nil` with an error at `location` when it cannot be read.
    func read(
        _ relative: String, what: String, limit: Int, at location: SourceLocation, diagnostics: inout [Diagnostic]
    ) -> String? {
        let path = displayPath(relative)
        let data: Data
        switch contents(of: path, limit: limit) {
        case .success(let bytes): data = bytes
        case .failure(let problem):
            diagnostics.append(.error("\(what) '\(relative)' \(problem.reason) (looked at '\(path)')", at: location))
            return nil
        }
        switch Self.text(of: data) {
        case .success(let text): return text
        case .failure(let invalid):
            diagnostics.append(
                .error(
                    "\(what) '\(relative)' is not UTF-8 text: \(invalid.reason) at line \(invalid.line), column "
                        + "\(invalid.column) of '\(path)'", at: location))
            return nil
        }
    }

    /// The data as UTF-8 text, or where it stops being valid UTF-8 (1-based line and byte column).
    static func text(of data: Data) -> Result<String, InvalidText> {
        if let text = String(data: data, encoding: .utf8) { return .success(text) }
        var line = 1
        var lineStart = 0
        var offset = 0
        let bytes = [UInt8](data)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let length = UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    lineStart = offset + 1
                }
                offset += length
            case .emptyInput:
                return .failure(InvalidText(reason: "unreadable text", line: line, column: offset - lineStart + 1))
            case .error:
                return .failure(
                    InvalidText(reason: "an invalid UTF-8 byte sequence", line: line, column: offset - lineStart + 1))
            }
        }
    }

    /// Why a file cannot be read.
    struct FileProblem: Error {
        var reason: String
    }

    /// Where a file stops being UTF-8 text.
    struct InvalidText: Error {
        var reason: String
        var line: Int
        var column: Int

        /// What to say after the file's name.
        var message: String { "is not UTF-8 text: \(reason) at line \(line), column \(column)" }
    }

    /// The YAML files under each entry of `resources` (a folder, searched at any depth, or a file), sorted, and the
    /// entries that are missing or lead out of the repository (with the reason).
    func manifestFiles(in entries: [String]) -> (files: [String], missing: [String], refused: [(String, String)]) {
        var files: [String] = []
        var missing: [String] = []
        var refused: [(String, String)] = []
        for entry in entries {
            let path = displayPath(entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(entry)
                continue
            }
            if let outside = outsideBoundary(path) {
                refused.append((entry, outside))
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let item = enumerator?.nextObject() as? String {
                let full = path.hasSuffix("/") ? path + item : path + "/" + item
                // Folders behind symbolic links are not searched; one that leads out of the repository is refused
                // rather than silently skipped, so a link to someone else's manifests cannot go unnoticed.
                if enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeSymbolicLink,
                    let outside = outsideBoundary(full)
                {
                    refused.append(((entry.hasSuffix("/") ? entry : entry + "/") + item, outside))
                    continue
                }
                if item.hasSuffix(".yaml") || item.hasSuffix(".yml") { files.append(full) }
            }
        }
        return (files.sorted(), missing, refused)
    }
}
