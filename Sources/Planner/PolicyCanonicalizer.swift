import Model

/// Compares policy documents the way APIM means them, not the way it prints them.
///
/// APIM re-serializes stored policies (tabs, CRLF, double quotes, ` />`, entity escaping inside `@(…)` and
/// `@{…}`), so text comparison would report a change forever. The canonical form decodes entities, normalises
/// white space and line endings and sorts attributes; it is read with the tolerant `PolicyScanner`, so documents
/// that are not well-formed XML compare too. Differences are reported per element and attribute, e.g.
/// `inbound/llm-token-limit@tokens-per-minute: 10000 → 20000`.
public enum PolicyCanonicalizer {
    /// One element of a canonical document: its attributes, text and comments. Two entries are equal when
    /// those are; the element itself is kept only to print it when it is added or removed.
    struct Entry: Equatable {
        var attributes: [String: String]
        var text: String
        var node: PolicyNode

        /// The element as compact XML.
        var xml: String { PolicyCanonicalizer.compactXML(node) }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.attributes == rhs.attributes && lhs.text == rhs.text
        }
    }

    /// Whether APIM treats two documents alike: equal text, or equal canonical elements.
    public static func equivalent(_ lhs: String, _ rhs: String) -> Bool {
        lhs == rhs || entries(lhs) == entries(rhs)
    }

    /// A deterministic text that is equal for two documents exactly when APIM treats them alike.
    public static func canonical(_ text: String) -> String {
        func quoted(_ text: String) -> String { "\(text.utf8.count):\(text)" }
        return entries(text).sorted { $0.key < $1.key }.map { path, entry in
            let attributes = entry.attributes.sorted { $0.key < $1.key }.map { quoted($0.key) + quoted($0.value) }
            return quoted(path) + attributes.joined() + "|" + quoted(entry.text)
        }
        .joined(separator: "\n")
    }

    /// Per-element differences between two documents.
    public static func diff(_ before: String, _ after: String) -> [FieldChange] {
        let lhs = entries(before)
        let rhs = entries(after)
        var changes: [FieldChange] = []
        let paths = (Array(lhs.keys) + rhs.keys.filter { lhs[$0] == nil }).sorted(by: pathOrder)
        var reportedWhole: [String] = []
        for path in paths {
            if reportedWhole.contains(where: { path.hasPrefix($0 + "/") }) { continue }
            switch (lhs[path], rhs[path]) {
            case (nil, let added?):
                changes.append(FieldChange(path: path, before: nil, after: added.xml))
                reportedWhole.append(path)
            case (let removed?, nil):
                changes.append(FieldChange(path: path, before: removed.xml, after: nil))
                reportedWhole.append(path)
            case (let old?, let new?):
                let names = Set(old.attributes.keys).union(new.attributes.keys).sorted()
                for name in names where old.attributes[name] != new.attributes[name] {
                    changes.append(
                        FieldChange(path: "\(path)@\(name)", before: old.attributes[name], after: new.attributes[name]))
                }
                if old.text != new.text {
                    changes.append(
                        FieldChange(
                            path: "\(path)#text", before: old.text.isEmpty ? nil : old.text,
                            after: new.text.isEmpty ? nil : new.text))
                }
            default: break
            }
        }
        return changes
    }

    /// Document order first, so a reader sees changes top to bottom.
    static func pathOrder(_ lhs: String, _ rhs: String) -> Bool { lhs < rhs }

    /// Every element by path (`inbound/set-header[2]`, without the `policies` root), comments as text of their
    /// parent.
    static func entries(_ text: String) -> [String: Entry] {
        var result: [String: Entry] = [:]
        let scan = PolicyScanner.scan(text)
        var topLevel: [PolicyNode] = []
        for node in scan.nodes {
            if case .element(let name, _, let children) = node, name == "policies" || name == "fragment" {
                topLevel.append(contentsOf: children)
            } else {
                topLevel.append(node)
            }
        }
        collect(topLevel, prefix: "", into: &result)
        return result
    }

    static func collect(_ nodes: [PolicyNode], prefix: String, into result: inout [String: Entry]) {
        var counts: [String: Int] = [:]
        for node in nodes {
            if case .element(let name, _, _) = node { counts[name, default: 0] += 1 }
        }
        var seen: [String: Int] = [:]
        for node in nodes {
            guard case .element(let name, let attributes, let children) = node else { continue }
            seen[name, default: 0] += 1
            let segment = (counts[name] ?? 0) > 1 ? "\(name)[\(seen[name] ?? 1)]" : name
            let path = prefix.isEmpty ? segment : prefix + "/" + segment
            var attributeMap: [String: String] = [:]
            for attribute in attributes {
                attributeMap[attribute.name] = normalizeText(decodeEntities(attribute.value))
            }
            let text = children.compactMap { child -> String? in
                switch child {
                case .text(let value): return normalizeText(decodeEntities(value))
                case .comment(let value): return "<!--" + normalizeText(value) + "-->"
                case .element: return nil
                }
            }.filter { !$0.isEmpty }.joined(separator: "\n")
            result[path] = Entry(attributes: attributeMap, text: text, node: node)
            collect(children, prefix: path, into: &result)
        }
    }

    /// Line endings to `\n`, each line trimmed, blank lines dropped.
    static func normalizeText(_ text: String) -> String {
        text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// `&quot;`, `&apos;`, `&lt;`, `&gt;`, `&amp;` and numeric references.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            out += rest[..<ampersand]
            rest = rest[ampersand...]
            guard let semicolon = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semicolon) <= 10
            else {
                out += "&"
                rest = rest.dropFirst()
                continue
            }
            let name = rest[rest.index(after: rest.startIndex)..<semicolon]
            var replacement: String?
            switch name {
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "amp": replacement = "&"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                }
            }
            if let replacement {
                out += replacement
                rest = rest[rest.index(after: semicolon)...]
            } else {
                out += "&"
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }

    /// A one-line rendering of an element for "added"/"removed" reports.
    static func compactXML(_ node: PolicyNode) -> String {
        switch node {
        case .text(let value): return normalizeText(decodeEntities(value)).replacingNewlines()
        case .comment(let value): return "<!-- \(normalizeText(value)) -->"
        case .element(let name, let attributes, let children):
            let attributeText = attributes.map { " \($0.name)=\"\(normalizeText(decodeEntities($0.value)))\"" }.joined()
            let inner = children.map(compactXML).filter { !$0.isEmpty }.joined()
            return inner.isEmpty ? "<\(name)\(attributeText) />" : "<\(name)\(attributeText)>\(inner)</\(name)>"
        }
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        split(separator: "\n").joined(separator: " ")
    }
}
