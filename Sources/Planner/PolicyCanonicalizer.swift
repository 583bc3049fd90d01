import Model

/// Compares policy documents the way APIM means them, not the way it prints them.
///
/// APIM re-serializes stored policies (tabs, CRLF, double quotes, ` />`, entity escaping inside `@(…)` and
/// `@{…}`), so text comparison would report a change forever. Documents are read with the shared
/// ``PolicyXMLReader`` (entities decoded, CDATA as text) into canonical elements whose attributes are compared as a
/// set and whose text is compared line by line, trimmed. Differences are reported per element and attribute, e.g.
/// `inbound/llm-token-limit@tokens-per-minute: 10000 → 20000`; siblings are aligned by content (a longest common
/// subsequence), so inserting a statement is one insertion, not a shift of every statement after it.
///
/// A document's format (`rawxml` or `xml`) decides whether entities inside expressions are text or escapes; when it
/// is not known, the document is read as `rawxml` and entities are resolved inside expressions too.
public enum PolicyCanonicalizer {
    /// An element reduced to what APIM acts on: name, attributes, text (comments included) and child elements.
    struct Canonical: Hashable {
        var name: String
        var attributes: [String: String]
        var text: String
        var children: [Canonical]
        /// The element as read, to print it when it is added or removed (not compared).
        var element: PolicyElement

        static func == (lhs: Canonical, rhs: Canonical) -> Bool {
            lhs.name == rhs.name && lhs.attributes == rhs.attributes && lhs.text == rhs.text
                && lhs.children == rhs.children
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(attributes)
            hasher.combine(text)
            hasher.combine(children)
        }
    }

    /// Whether APIM treats two documents alike: equal text, or equal canonical elements.
    public static func equivalent(
        _ lhs: String, _ rhs: String, lhsFormat: PolicyFormat? = nil, rhsFormat: PolicyFormat? = nil
    ) -> Bool {
        lhs == rhs || elements(lhs, format: lhsFormat) == elements(rhs, format: rhsFormat)
    }

    /// A deterministic text that is equal for two documents exactly when APIM treats them alike.
    public static func canonical(_ text: String, format: PolicyFormat? = nil) -> String {
        var out = ""
        for element in elements(text, format: format) { serialize(element, into: &out) }
        return out
    }

    /// Per-element differences from `before` to `after`.
    public static func diff(
        _ before: String, _ after: String, beforeFormat: PolicyFormat? = nil, afterFormat: PolicyFormat? = nil
    ) -> [FieldChange] {
        var changes: [FieldChange] = []
        diffSiblings(
            elements(before, format: beforeFormat), elements(after, format: afterFormat), prefix: "", into: &changes)
        return changes
    }

    // MARK: - Reading

    /// The statements of a document: the children of its `<policies>` or `<fragment>` root (other top-level
    /// elements as they are); comments outside any statement are not compared.
    static func elements(_ text: String, format: PolicyFormat?) -> [Canonical] {
        let scan =
            format.map { PolicyXMLReader.read(text, format: $0) }
            ?? PolicyXMLReader.read(text, format: .rawxml, decodingEntitiesInExpressions: true)
        var result: [Canonical] = []
        for node in scan.nodes {
            guard case .element(let element) = node else { continue }
            if element.name == "policies" || element.name == "fragment" {
                result += element.elements.map(canonical)
            } else {
                result.append(canonical(element))
            }
        }
        return result
    }

    static func canonical(_ element: PolicyElement) -> Canonical {
        var attributes: [String: String] = [:]
        for attribute in element.attributes { attributes[attribute.name] = normalizeText(attribute.value) }
        let text = element.children.compactMap { child -> String? in
            switch child {
            case .text(let text), .cdata(let text): normalizeText(text.value)
            case .comment(let value): "<!--" + normalizeText(value) + "-->"
            case .element: nil
            }
        }.filter { !$0.isEmpty }.joined(separator: "\n")
        return Canonical(
            name: element.name, attributes: attributes, text: text, children: element.elements.map(canonical),
            element: element)
    }

    /// Line endings to `\n`, each line trimmed, blank lines dropped.
    static func normalizeText(_ text: String) -> String {
        text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    private static func serialize(_ element: Canonical, into out: inout String) {
        func quoted(_ text: String) -> String { "\(text.utf8.count):\(text)" }
        out += quoted(element.name) + "{"
        for (name, value) in element.attributes.sorted(by: { $0.key < $1.key }) { out += quoted(name) + quoted(value) }
        out += "}" + quoted(element.text) + "["
        for child in element.children { serialize(child, into: &out) }
        out += "]"
    }

    // MARK: - Differences

    /// One step of an alignment of two sibling lists.
    private enum Step {
        case same(Int, Int)
        case removed(Int)
        case added(Int)
    }

    /// Aligns `before` and `after` by content; the elements that differ between two aligned ones are paired by
    /// name, in order, and compared attribute by attribute; the rest are reported whole.
    static func diffSiblings(
        _ before: [Canonical], _ after: [Canonical], prefix: String, into changes: inout [FieldChange]
    ) {
        let beforePaths = paths(before, prefix: prefix)
        let afterPaths = paths(after, prefix: prefix)
        var removed: [Int] = []
        var added: [Int] = []
        func flush() {
            var unpaired = added
            var removedWhole: [Int] = []
            for old in removed {
                if let match = unpaired.firstIndex(where: { after[$0].name == before[old].name }) {
                    let new = unpaired.remove(at: match)
                    diffElement(before[old], after[new], path: afterPaths[new], into: &changes)
                } else {
                    removedWhole.append(old)
                }
            }
            for old in removedWhole {
                changes.append(FieldChange(path: beforePaths[old], before: compactXML(before[old].element), after: nil))
            }
            for new in unpaired {
                changes.append(FieldChange(path: afterPaths[new], before: nil, after: compactXML(after[new].element)))
            }
            removed = []
            added = []
        }
        for step in alignment(before, after) {
            switch step {
            case .same: flush()
            case .removed(let index): removed.append(index)
            case .added(let index): added.append(index)
            }
        }
        flush()
    }

    private static func diffElement(
        _ old: Canonical, _ new: Canonical, path: String, into changes: inout [FieldChange]
    ) {
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
        diffSiblings(old.children, new.children, prefix: path, into: &changes)
    }

    /// Each sibling's path: `prefix/name`, or `prefix/name[n]` (1-based among same-named siblings) when the name
    /// repeats.
    private static func paths(_ siblings: [Canonical], prefix: String) -> [String] {
        var counts: [String: Int] = [:]
        for sibling in siblings { counts[sibling.name, default: 0] += 1 }
        var seen: [String: Int] = [:]
        return siblings.map { sibling in
            seen[sibling.name, default: 0] += 1
            let segment =
                (counts[sibling.name] ?? 0) > 1 ? "\(sibling.name)[\(seen[sibling.name] ?? 1)]" : sibling.name
            return prefix.isEmpty ? segment : prefix + "/" + segment
        }
    }

    /// A longest-common-subsequence alignment of equal siblings. Common ends are matched first; a middle too large
    /// for the quadratic table (beyond a million cells) is aligned position by position instead.
    private static func alignment(_ before: [Canonical], _ after: [Canonical]) -> [Step] {
        let beforeHashes = before.map(\.hashValue)
        let afterHashes = after.map(\.hashValue)
        func same(_ old: Int, _ new: Int) -> Bool { beforeHashes[old] == afterHashes[new] && before[old] == after[new] }
        var head = 0
        while head < before.count, head < after.count, same(head, head) { head += 1 }
        var tail = 0
        while tail < before.count - head, tail < after.count - head,
            same(before.count - 1 - tail, after.count - 1 - tail)
        {
            tail += 1
        }
        var steps: [Step] = (0..<head).map { .same($0, $0) }
        let lhs = Array(head..<(before.count - tail))
        let rhs = Array(head..<(after.count - tail))
        if lhs.count * rhs.count > 1_000_000 {
            for offset in 0..<max(lhs.count, rhs.count) {
                if offset < lhs.count { steps.append(.removed(lhs[offset])) }
                if offset < rhs.count { steps.append(.added(rhs[offset])) }
            }
        } else {
            // lengths[i][j]: the LCS length of lhs[i...] and rhs[j...].
            var lengths = Array(repeating: Array(repeating: 0, count: rhs.count + 1), count: lhs.count + 1)
            for i in stride(from: lhs.count - 1, through: 0, by: -1) {
                for j in stride(from: rhs.count - 1, through: 0, by: -1) {
                    lengths[i][j] =
                        same(lhs[i], rhs[j])
                        ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < lhs.count || j < rhs.count {
                if i < lhs.count, j < rhs.count, same(lhs[i], rhs[j]) {
                    steps.append(.same(lhs[i], rhs[j]))
                    i += 1
                    j += 1
                } else if j == rhs.count || (i < lhs.count && lengths[i + 1][j] >= lengths[i][j + 1]) {
                    steps.append(.removed(lhs[i]))
                    i += 1
                } else {
                    steps.append(.added(rhs[j]))
                    j += 1
                }
            }
        }
        steps += (0..<tail).map { .same(before.count - tail + $0, after.count - tail + $0) }
        return steps
    }

    /// A one-line rendering of an element for "added"/"removed" reports.
    static func compactXML(_ element: PolicyElement) -> String {
        let attributeText = element.attributes.map { " \($0.name)=\"\(normalizeText($0.value))\"" }.joined()
        let inner = element.children.map { child -> String in
            switch child {
            case .text(let text), .cdata(let text):
                normalizeText(text.value).split(separator: "\n").joined(separator: " ")
            case .comment(let value): "<!-- \(normalizeText(value)) -->"
            case .element(let inner): compactXML(inner)
            }
        }.filter { !$0.isEmpty }.joined()
        return inner.isEmpty
            ? "<\(element.name)\(attributeText) />" : "<\(element.name)\(attributeText)>\(inner)</\(element.name)>"
    }
}
