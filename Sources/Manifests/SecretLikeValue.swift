import Foundation

/// Recognises values that are credentials rather than configuration, so that one written into a plain manifest
/// field is an error instead of being committed, planned and uploaded. Only shapes with almost no false positives
/// count: private keys, connection strings that carry a key or password, JSON web tokens, SAS signatures and the
/// well-known prefixes of API keys. The value itself is never repeated in a message.
public enum SecretLikeValue {
    /// What kind of secret `text` looks like, or `nil`.
    public static func kind(of text: String) -> String? {
        guard text.utf8.count >= 16 else { return nil }
        if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") { return "a private key" }
        let lowered = text.lowercased()
        for key in ["accountkey=", "sharedaccesskey=", "password=", "pwd="] {
            if let range = lowered.range(of: key), credential(after: lowered[range.upperBound...]) {
                return "a connection string with a key or password"
            }
        }
        if let range = lowered.range(of: "sig="), credential(after: lowered[range.upperBound...], minimum: 20) {
            return "a URL with a SAS signature"
        }
        if isJSONWebToken(text) { return "a JSON web token" }
        for prefix in ["sk-", "ghp_", "github_pat_", "xoxb-", "AKIA"] {
            if hasToken(text, prefix: prefix, minimum: prefix == "AKIA" ? 16 : 32) { return "an API key" }
        }
        return nil
    }

    /// Whether a value of at least `minimum` characters (not a `{{named value}}` or a `${variable}`) follows.
    private static func credential(after rest: Substring, minimum: Int = 8) -> Bool {
        let value = rest.prefix { $0 != ";" && $0 != "&" && $0 != " " && $0 != "\"" }
        return value.count >= minimum && !value.hasPrefix("{{") && !value.hasPrefix("${")
    }

    private static func isJSONWebToken(_ text: String) -> Bool {
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\"" || $0 == "'" }) {
            let parts = word.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0].hasPrefix("eyJ"), parts[1].hasPrefix("eyJ"),
                parts.allSatisfy({ $0.count >= 10 && $0.allSatisfy(isBase64URL) })
            {
                return true
            }
        }
        return false
    }

    private static func hasToken(_ text: String, prefix: String, minimum: Int) -> Bool {
        var rest = Substring(text)
        while let range = rest.range(of: prefix) {
            let token = rest[range.upperBound...].prefix { isBase64URL($0) }
            let boundary =
                range.lowerBound == rest.startIndex || !isBase64URL(rest[rest.index(before: range.lowerBound)])
            if boundary, token.count >= minimum { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    private static func isBase64URL(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_")
    }
}
