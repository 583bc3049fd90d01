import Model

/// One way a value breaks the spec: where, which rule, and a plain English message in ARM's style.
///
/// Callers that word things their own way (`validate`'s `'spec.description' is 2001 characters; …`) compose from
/// `rule` and `path`; `message` is what an ARM `ValidationError` detail would say.
public struct SpecViolation: Sendable, Hashable, CustomStringConvertible {
    /// The rule that was broken, with the limit and what was found.
    public enum Rule: Sendable, Hashable {
        /// The JSON value has the wrong shape (a string where an integer belongs, say).
        case type(expected: SpecType.Kind)
        /// A required property is missing or `null`.
        case required
        /// A string is shorter than allowed (length in UTF-16 code units, as .NET counts).
        case minLength(limit: Int, actual: Int)
        /// A string is longer than allowed (length in UTF-16 code units, as .NET counts).
        case maxLength(limit: Int, actual: Int)
        /// A string does not match the spec's regular expression.
        case pattern(String)
        /// The value is not one of the allowed values (shown as text; strings compare case-insensitively).
        case enumeration(allowed: [String])
        /// A number is below the minimum (or equal to it, when the minimum is exclusive).
        case minimum(limit: Double, exclusive: Bool, actual: Double)
        /// A number is above the maximum (or equal to it, when the maximum is exclusive).
        case maximum(limit: Double, exclusive: Bool, actual: Double)
        /// An array has fewer items than allowed.
        case minItems(limit: Int, actual: Int)
        /// An array has more items than allowed.
        case maxItems(limit: Int, actual: Int)
        /// An array that must hold distinct items holds a duplicate.
        case uniqueItems
        /// The definition asked for is not in the table for that api-version (a caller's mistake).
        case unknownDefinition(String)
    }

    /// Where: `pool.services[0].priority`, relative to the value validated; a path parameter's name for those.
    public var path: String
    public var rule: Rule
    public var message: String

    public init(path: String, rule: Rule, message: String? = nil) {
        self.path = path
        self.rule = rule
        self.message = message ?? Self.message(for: rule, path: path)
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// The message ARM's validation would give, modelled on .NET's data-annotation messages
    /// ("The field X must be a string or array type with a maximum length of '2000'.").
    static func message(for rule: Rule, path: String) -> String {
        let field = fieldName(of: path)
        switch rule {
        case .type(let expected):
            return "The field \(field) must be \(article(expected)) \(expected.rawValue)."
        case .required:
            return "The \(field) field is required."
        case .minLength(let limit, let actual):
            return
                "The field \(field) must be a string or array type with a minimum length of '\(limit)' (it has \(actual))."
        case .maxLength(let limit, let actual):
            return
                "The field \(field) must be a string or array type with a maximum length of '\(limit)' (it has \(actual))."
        case .pattern(let pattern):
            return "The field \(field) must match the regular expression '\(pattern)'."
        case .enumeration(let allowed):
            return "The value of \(field) is not valid. Allowed values: \(allowed.joined(separator: ", "))."
        case .minimum(let limit, let exclusive, _):
            return "The field \(field) must be \(exclusive ? "greater than" : "at least") \(number(limit))."
        case .maximum(let limit, let exclusive, _):
            return "The field \(field) must be \(exclusive ? "less than" : "at most") \(number(limit))."
        case .minItems(let limit, let actual):
            return "The field \(field) must be an array with at least \(limit) item(s) (it has \(actual))."
        case .maxItems(let limit, let actual):
            return "The field \(field) must be an array with at most \(limit) item(s) (it has \(actual))."
        case .uniqueItems:
            return "The field \(field) must not contain duplicate items."
        case .unknownDefinition(let name):
            return "The spec table has no definition \(name)."
        }
    }

    /// The last member name of a path (`services` for `pool.services[0]`), or the path itself.
    private static func fieldName(of path: String) -> String {
        var name = Substring(path)
        while name.hasSuffix("]"), let open = name.lastIndex(of: "[") { name = name[..<open] }
        if let dot = name.lastIndex(of: ".") { name = name[name.index(after: dot)...] }
        return name.isEmpty ? "value" : String(name)
    }

    private static func article(_ kind: SpecType.Kind) -> String {
        switch kind {
        case .integer, .object, .array, .any: return "an"
        default: return "a"
        }
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
