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
        for allowed in [CharacterSet.alphanumerics, .urlPathAllowed, .urlQueryAllowed, .urlHostAllowed] {
            if let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) { forms.insert(encoded) }
        }
        if let form = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: " ")))
        {
            forms.insert(form.replacingOccurrences(of: " ", with: "+"))
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
