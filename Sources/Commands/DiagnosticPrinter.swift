import Foundation
import Model

/// Prints diagnostics to standard error as `path:line:col: severity: message`, followed by the source line and a
/// caret under the column, as compilers do.
enum DiagnosticPrinter {
    static func print(_ diagnostics: [Diagnostic]) {
        var sources = SourceCache()
        for diagnostic in diagnostics {
            writeError(render(diagnostic, sources: &sources))
        }
    }

    /// The diagnostic, and under it its source line with a caret when the file can be read.
    static func render(_ diagnostic: Diagnostic, sources: inout SourceCache) -> String {
        guard let location = diagnostic.location, let line = sources.line(location.line, of: location.file) else {
            return diagnostic.description
        }
        let prefix = line.unicodeScalars.prefix(max(0, location.column - 1))
        let indent = String(String.UnicodeScalarView(prefix.map { $0 == "\t" ? "\t" : " " }))
        return "\(diagnostic)\n\(line)\n\(indent)^"
    }

    /// A progress line for people watching a terminal; nothing when standard error is not one.
    static func progress(_ line: String) {
        if isatty(STDERR_FILENO) == 1 { writeError(line) }
    }

    /// `1.2 s` since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> String {
        String(format: "%.1f s", start.duration(to: .now).inSeconds)
    }

    static func writeError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return "\(plural(errors, "error")), \(plural(warnings, "warning"))"
    }
}

/// Lines of the files diagnostics point into, read once per file.
struct SourceCache {
    private var files: [String: [String]?] = [:]

    mutating func line(_ number: Int, of file: String) -> String? {
        if files[file] == nil {
            files[file] = FileManager.default.contents(atPath: file).map { data in
                String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { String($0.unicodeScalars.filter { $0 != "\r" }.map(Character.init)) }
            }
        }
        guard let lines = files[file] ?? nil, number >= 1, number <= lines.count else { return nil }
        return lines[number - 1]
    }
}
