import Synchronization

/// A swagger `pattern` compiled once with Swift `Regex`.
///
/// Swagger patterns are .NET regular expressions, and .NET checks them with `Regex.IsMatch`: a search, not a whole
/// match, so `matches` searches too (the spec's patterns carry their own `^…$` anchors). `Regex` is not `Sendable`,
/// so the compiled expression sits behind a `Mutex`; a match holds it for microseconds.
final class CompiledPattern: Sendable {
    let source: String
    private let regex: Mutex<Regex<AnyRegexOutput>?>
    /// Why Swift could not compile the pattern; `nil` when it compiled.
    let compileError: String?

    init(_ source: String) {
        self.source = source
        do {
            let compiled = try Regex(source)
            _ = try? compiled.firstMatch(in: "")  // lowers the program now, not on the first real match
            regex = Mutex(compiled)
            compileError = nil
        } catch {
            regex = Mutex(nil)
            compileError = "\(error)"
        }
    }

    /// Whether `text` contains a match; a pattern that did not compile matches everything (a test guards that
    /// every pattern in the table compiles).
    func matches(_ text: String) -> Bool {
        regex.withLock { compiled in
            guard let compiled else { return true }
            return (try? compiled.firstMatch(in: text)) != nil
        }
    }
}
