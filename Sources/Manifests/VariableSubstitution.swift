import Model

/// Replaces `${name}` with an environment's variables; `$${` writes a literal `${`.
struct VariableSubstitution: Sendable {
    /// One unknown variable found in a text, at a scalar offset of the text.
    struct UnknownVariable: Equatable {
        var name: String
        var offset: Int
    }

    var variables: [String: String]
    var environment: String

    /// The substituted text and the unknown variables (left as written); `nil` text when substitution would make it
    /// longer than `limit` UTF-8 bytes (a long variable used many times could otherwise take any amount of memory).
    func apply(
        to text: String, limit: Int = InputLimits.maximumSubstitutedBytes
    ) -> (text: String?, unknown: [UnknownVariable]) {
        guard text.contains("${") else { return (text, []) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var unknown: [UnknownVariable] = []
        var index = 0
        // An upper bound of the output's size: the input's, plus every substituted value's.
        var written = text.utf8.count
        while index < scalars.count {
            if scalars[index] == "$", index + 2 < scalars.count, scalars[index + 1] == "$", scalars[index + 2] == "{" {
                out.append(contentsOf: ["$", "{"])
                index += 3
                continue
            }
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
                let close = scalars[(index + 2)...].firstIndex(of: "}")
            {
                let name = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                if let value = variables[name] {
                    written += value.utf8.count
                    guard written <= limit else { return (nil, unknown) }
                    out.append(contentsOf: value.unicodeScalars)
                } else {
                    unknown.append(UnknownVariable(name: name, offset: index))
                    out.append(contentsOf: scalars[index...close])
                }
                index = close + 1
                continue
            }
            out.append(scalars[index])
            index += 1
        }
        return (String(out), unknown)
    }

    /// The error message for a text that substitution makes too long.
    func tooLongMessage(limit: Int = InputLimits.maximumSubstitutedBytes) -> String {
        "substituting the variables of environment '\(environment)' makes this value longer than \(limit) bytes"
    }

    /// The error message for an unknown variable, with a suggestion from the known names.
    func message(for name: String) -> String {
        "unknown variable '${\(name)}' in environment '\(environment)'"
            + Suggestions.hint(for: name, in: variables.keys.sorted())
    }
}
