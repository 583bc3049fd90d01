import Foundation
import Manifests
import Model

/// Prints diagnostics to standard error as `path:line:col: severity: message`, followed by the source line and a
/// caret under the column, as compilers do.
enum DiagnosticPrinter {
    static func print(_ diagnostics: [Diagnostic]) {
        var sources = SourceCache()
        for diagnostic in diagnostics {
            writeError(printable(render(diagnostic, sources: &sources)))
        }
    }

    /// `text` with control characters other than line breaks and tabs, and invisible formatting characters, shown
    /// as `?`: a message quoting a hostile file must not drive the terminal that shows it.
    static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    let category = scalar.properties.generalCategory
                    return (category == .control && scalar != "\n" && scalar != "\t") || category == .format
                        ? "?" : scalar
                }))
    }

    /// The diagnostic, and under it its source line with a caret when the file can be read.
    static func render(_ diagnostic: Diagnostic, sources: inout SourceCache) -> String {
        guard let location = diagnostic.location, let line = sources.line(location.line, of: location.file) else {
            return diagnostic.description
        }
        let (shown, column) = clipped(line, column: location.column)
        // A line holding what looks like a secret is not quoted: the diagnostic must not print what it warns about.
        // (A line too long to check whole is checked where it is shown.)
        if SecretLikeValue.kind(of: line.utf8.count <= 1 << 16 ? line : shown) != nil {
            return "\(diagnostic)\n(the line is not shown: it holds what looks like a secret)"
        }
        let prefix = shown.unicodeScalars.prefix(max(0, column - 1))
        let indent = String(String.UnicodeScalarView(prefix.map { $0 == "\t" ? "\t" : " " }))
        return "\(diagnostic)\n\(shown)\n\(indent)^"
    }

    /// At most `width` scalars of `line` around `column` (with `…` where it was cut, and control characters shown
    /// as `?` so that a hostile file cannot drive the terminal), and the column within them.
    static func clipped(_ line: String, column: Int, width: Int = 160) -> (String, Int) {
        // Only the scalars up to the window's end are looked at, so a line of megabytes costs no more than the window.
        let head = Array(line.unicodeScalars.prefix(max(0, column - 1) + width / 2 + width))
        let printable = head.map { scalar -> Unicode.Scalar in
            scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F ? "?" : scalar
        }
        let longer = head.count < line.unicodeScalars.count
        guard printable.count > width || longer else { return (String(String.UnicodeScalarView(printable)), column) }
        let start = max(0, min(column - 1 - width / 2, printable.count - width))
        let end = min(start + width, printable.count)
        var text = String(String.UnicodeScalarView(printable[start..<end]))
        var shift = start
        if start > 0 {
            text = "…" + text
            shift -= 1
        }
        if end < printable.count || longer { text += "…" }
        return (text, column - shift)
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
            // Only regular files of a reasonable size: a FIFO would block, a huge file is not worth quoting.
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            let regular = attributes?[.type] as? FileAttributeType == .typeRegular
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? Int.max
            let quotable = regular && size <= InputLimits.maximumManifestBytes
            files[file] = (quotable ? FileManager.default.contents(atPath: file) : nil).map { data in
                String(decoding: data, as: UTF8.self).utf8.split(
                    separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
                )
                .map { String(decoding: $0.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self) }
            }
        }
        guard let lines = files[file] ?? nil, number >= 1, number <= lines.count else { return nil }
        return lines[number - 1]
    }
}
