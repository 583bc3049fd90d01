/// One problem found in the user's input, tied to where it is.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How bad the problem is.
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
        }
    }

    public var severity: Severity
    /// Where the problem is; `nil` for problems with no place (a missing configuration file, say).
    public var location: SourceLocation?
    public var message: String

    public init(_ severity: Severity, _ message: String, at location: SourceLocation?) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    /// An error at `location`.
    public static func error(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    /// A warning at `location`.
    public static func warning(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }

    /// `path:line:col: error: message`, or `error: message` when there is no place.
    public var description: String {
        if let location { return "\(location): \(severity.rawValue): \(message)" }
        return "\(severity.rawValue): \(message)"
    }
}

extension [Diagnostic] {
    /// Sorted by file, line and column (diagnostics without a place first), then severity and text.
    public func sortedForDisplay() -> [Diagnostic] {
        sorted { lhs, rhs in
            switch (lhs.location, rhs.location) {
            case (nil, .some): return true
            case (.some, nil): return false
            case (.some(let l), .some(let r)) where l != r: return l < r
            default: return (lhs.severity, lhs.message) < (rhs.severity, rhs.message)
            }
        }
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
