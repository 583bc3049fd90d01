import Foundation
import Model

/// Reads the files a repository configuration names, relative to the configuration's folder, and shows their
/// paths the way the user wrote the configuration path.
struct ManifestFiles: Sendable {
    /// The configuration's folder as the user would write it (`manifests`, or `` for the current folder).
    var base: String

    /// `base/relative`, or `relative` when the base is the current folder; absolute paths stay as they are.
    func displayPath(_ relative: String) -> String {
        if relative.hasPrefix("/") || base.isEmpty || base == "." { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// The file's text, or `nil` with an error at `location` when it cannot be read.
    func read(
        _ relative: String, what: String, at location: SourceLocation, diagnostics: inout [Diagnostic]
    ) -> String? {
        let path = displayPath(relative)
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason = exists ? (isDirectory.boolValue ? "is a folder" : "cannot be read") : "does not exist"
            diagnostics.append(.error("\(what) '\(relative)' \(reason) (looked at '\(path)')", at: location))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(.error("\(what) '\(relative)' is not UTF-8 text", at: location))
            return nil
        }
        return text
    }

    /// The YAML files under each entry of `resources` (a folder, searched at any depth, or a file), sorted.
    func manifestFiles(in entries: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        for entry in entries {
            let path = displayPath(entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(entry)
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let item = enumerator?.nextObject() as? String {
                if item.hasSuffix(".yaml") || item.hasSuffix(".yml") {
                    files.append(path.hasSuffix("/") ? path + item : path + "/" + item)
                }
            }
        }
        return (files.sorted(), missing)
    }
}
