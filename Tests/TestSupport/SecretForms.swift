import Foundation

/// The byte sequences a secret can leak as: the value itself, JSON-escaped, percent-encoded (path, query and form
/// styles) and base64 (standard and URL-safe, at each of the three alignments a value can have inside a longer
/// encoded text). A test searches outputs for every form.
public struct SecretForms: Sendable {
    public let name: String
    public let value: String
    public let forms: [String]

    public init(name: String, value: String) {
        self.value = value
        var forms: Set<String> = [value]
        let json = String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self)
        forms.insert(String(json.dropFirst().dropLast()))
        // RFC 3986's unreserved characters, which every encoder leaves alone.
        let unreserved = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        for allowed in [unreserved, .alphanumerics, .urlPathAllowed, .urlQueryAllowed, .urlHostAllowed] {
            if let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) {
                forms.insert(encoded)
                forms.insert(encoded.lowercasedPercentEscapes)
            }
            // Forms (application/x-www-form-urlencoded) write a space as `+`.
            if let form = value.addingPercentEncoding(withAllowedCharacters: allowed.union(.init(charactersIn: " "))) {
                forms.insert(form.replacingOccurrences(of: " ", with: "+"))
            }
        }
        for offset in 0..<3 {
            let encoded = (Data(repeating: 0x20, count: offset) + Data(value.utf8)).base64EncodedString()
            // Drop the characters that mix the padding bytes in, and the last group, which depends on what follows.
            let core = String(encoded.dropFirst(offset == 0 ? 0 : 4).dropLast(4))
            guard core.count >= 8 else { continue }
            forms.insert(core)
            forms.insert(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        self.name = name
        self.forms = forms.sorted()
    }

    /// The first form of the secret found in `text`, or `nil`.
    public func found(in text: String) -> String? { forms.first { text.contains($0) } }
}

extension String {
    /// `%2F` → `%2f`: some encoders write lower-case hex digits.
    fileprivate var lowercasedPercentEscapes: String {
        var result = ""
        var pending = 0
        for character in self {
            if character == "%" {
                pending = 2
                result.append(character)
            } else if pending > 0 {
                pending -= 1
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
