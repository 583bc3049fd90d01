/// The one reader of APIM policy documents, used by `validate`, the planner, the exporter and the emulator.
///
/// It reads `xml` (well-formed XML, expressions XML-escaped) and `rawxml` (expressions raw: the extent of each
/// `@(…)` and `@{…}` is found with ``CSharpLexer``, so comments, strings, generics and `{{`/`}}` inside never confuse
/// it) into a tree with positions, decoding entities (named, decimal, hexadecimal) and keeping comments and CDATA.
/// It never stops at a problem: each is recorded where it is, and reading goes on with a recovery meant to avoid
/// follow-on reports. It also finds `{{name}}` named-value references: `name` must match APIM's display-name pattern
/// `^[A-Za-z0-9-._]+$`, and `{{…}}` in the content of `<set-body template="liquid">` is Liquid, not a reference.
///
/// It recurses nowhere: elements nest in an explicit stack, and those deeper than ``maximumDepth`` are one problem
/// and stay out of the tree (whose consumers may then recurse safely).
public enum PolicyXMLReader {
    /// How deep elements may nest (APIM's own documents nest a dozen levels at most).
    public static let maximumDepth = 64

    /// Reads `text` in `format`.
    ///
    /// - Parameter decodingEntitiesInExpressions: for text whose format is unknown (it may be `xml` or `rawxml`):
    ///   read it as `rawxml`, and resolve entities inside expressions too.
    public static func read(
        _ text: String, format: PolicyFormat, decodingEntitiesInExpressions: Bool = false
    ) -> PolicyScan {
        var reader = Reader(text: text, format: format, decodeInExpressions: decodingEntitiesInExpressions)
        reader.run()
        return reader.scan
    }
}

/// Decoded text (an attribute value or a run of element text) with, for each scalar, its offset in the source, and
/// the expressions found in it while reading `rawxml`.
private struct DecodedText {
    var scalars: [Unicode.Scalar] = []
    var sources: [Int] = []
    var expressions: [Range<Int>] = []

    var isEmpty: Bool { scalars.isEmpty }
    var string: String { String(String.UnicodeScalarView(scalars)) }

    mutating func append(_ scalar: Unicode.Scalar, from source: Int) {
        scalars.append(scalar)
        sources.append(source)
    }
}

private struct Reader {
    struct OpenElement {
        var element: PolicyElement
        var place: PolicyElementPlace
        /// Inside `<set-body template="liquid">`: `{{…}}` is Liquid.
        var liquid: Bool
        /// False for elements nested deeper than the limit, which stay out of the tree.
        var inTree: Bool
    }

    let source: [Unicode.Scalar]
    let count: Int
    let lines: SourceLines
    let format: PolicyFormat
    let decodeInExpressions: Bool
    var index = 0
    var scan = PolicyScan()
    var stack: [OpenElement] = []
    var topLevel: [PolicyNode] = []
    var sawRoot = false
    var reportedTooDeep = false
    /// Set when a problem swallowed the rest of the text, so the end-of-text reports would only repeat it.
    var swallowedToEnd = false
    /// Expressions that never closed; after a few, the lexer reads no further than the recovery point, so that a
    /// text of many unclosed expressions is still read in linear time.
    var unterminatedExpressions = 0
    var text = DecodedText()

    init(text: String, format: PolicyFormat, decodeInExpressions: Bool) {
        source = Array(text.unicodeScalars)
        count = source.count
        lines = SourceLines(source)
        self.format = format
        self.decodeInExpressions = decodeInExpressions
    }

    // MARK: - Document

    mutating func run() {
        if count > 0, source[0] == "\u{FEFF}" { index = 1 }
        // The text being read grows in a local, so that it is not accessed through `self` twice; markup (which may
        // flush it) gets it back in `text`.
        var pending = DecodedText()
        while index < count {
            let scalar = source[index]
            if scalar == "<" {
                text = pending
                markup()
                pending = text
                text = DecodedText()
            } else if scalar == "&" {
                entity(into: &pending)
            } else if format == .rawxml, PolicyExpression.starts(in: source, at: index, limit: count) {
                expression(into: &pending, quote: nil)
            } else {
                appendNormalizingLineEnd(into: &pending)
            }
        }
        text = pending
        flushText()
        if let innermost = stack.last, !swallowedToEnd {
            problem(
                .unclosedElement(innermost.element.name, open: stack.map(\.element.name)), at: max(0, count - 1))
        }
        while !stack.isEmpty { closeInnermost() }
        if !sawRoot { problem(.missingRoot, at: count) }
        scan.nodes = topLevel
    }

    mutating func markup() {
        if lookingAt("<!--") {
            flushText()
            comment()
        } else if lookingAt("<![CDATA[") {
            flushText()
            cdata()
        } else if lookingAt("<?") {
            flushText()
            if !skip(past: "?>") {
                problem(.unterminatedProcessingInstruction, at: index)
                index = count
            }
        } else if lookingAt("<!") {
            flushText()
            problem(.declaration, at: index)
            if !skip(past: ">") { index = count }
        } else if lookingAt("</") {
            flushText()
            endTag()
        } else if index + 1 < count, Self.isNameStart(source[index + 1]) {
            flushText()
            startTag()
        } else {
            problem(.invalidNameStart(found: index + 1 < count ? source[index + 1] : nil), at: min(index + 1, count))
            text.append("<", from: index)
            index += 1
        }
    }

    // MARK: - Tags

    mutating func startTag() {
        let start = index
        index += 1
        let name = readName()
        if stack.isEmpty {
            if sawRoot { problem(.multipleRoots(name), at: start) }
            sawRoot = true
        }
        let (line, column) = lines.position(of: start)
        var element = PolicyElement(name: name, line: line, column: column)
        let place = PolicyElementPlace(name: name, line: line, column: column)
        var reportedUnexpected = false
        var afterProblem = false
        while true {
            let hadSpace = skipWhitespace() || afterProblem
            guard index < count else {
                if !swallowedToEnd { problem(.unfinishedStartTag(name), at: start) }
                swallowedToEnd = true
                add(element, place: place, open: false)
                return
            }
            let scalar = source[index]
            if scalar == ">" {
                index += 1
                add(element, place: place, open: true)
                return
            }
            if scalar == "/", index + 1 < count, source[index + 1] == ">" {
                index += 2
                element.selfClosing = true
                add(element, place: place, open: false)
                return
            }
            guard Self.isNameStart(scalar) else {
                if !reportedUnexpected { problem(.unexpectedCharacterInTag(scalar, element: name), at: index) }
                reportedUnexpected = true
                while index < count, !Self.isWhitespace(source[index]), source[index] != ">", source[index] != "<",
                    !(source[index] == "/" && index + 1 < count && source[index + 1] == ">")
                {
                    index += 1
                }
                if index < count, source[index] == "<" {
                    add(element, place: place, open: false)
                    return
                }
                continue
            }
            if !hadSpace { problem(.missingWhitespace(found: scalar), at: index) }
            afterProblem = !attribute(of: &element, place: place)
        }
    }

    /// Reads one `name="value"`; false when it was malformed (the value missing or not quoted).
    mutating func attribute(of element: inout PolicyElement, place: PolicyElementPlace) -> Bool {
        let nameStart = index
        let name = readName()
        _ = skipWhitespace()
        guard index < count, source[index] == "=" else {
            problem(.attributeWithoutValue(name), at: index)
            return false
        }
        index += 1
        _ = skipWhitespace()
        guard index < count, source[index] == "\"" || source[index] == "'" else {
            problem(.unquotedAttributeValue(name), at: index)
            while index < count, !Self.isWhitespace(source[index]), source[index] != ">", source[index] != "<",
                !(source[index] == "/" && index + 1 < count && source[index + 1] == ">")
            {
                index += 1
            }
            return false
        }
        let quote = source[index]
        index += 1
        let valueStart = index
        var value = DecodedText()
        var reportedLessThan = false
        while true {
            guard index < count else {
                problem(.unterminatedAttributeValue(name), at: valueStart)
                swallowedToEnd = true
                break
            }
            let scalar = source[index]
            if scalar == quote {
                index += 1
                break
            }
            if format == .rawxml, PolicyExpression.starts(in: source, at: index, limit: count) {
                expression(into: &value, quote: quote)
                continue
            }
            switch scalar {
            case "<":
                if !reportedLessThan { problem(.lessThanInAttribute(name), at: index) }
                reportedLessThan = true
                value.append("<", from: index)
                index += 1
            case "&":
                entity(into: &value)
            case "\r":
                value.append(" ", from: index)
                index += index + 1 < count && source[index + 1] == "\n" ? 2 : 1
            case "\n", "\t":
                value.append(" ", from: index)
                index += 1
            default:
                value.append(scalar, from: index)
                index += 1
            }
        }
        if element.attributes.contains(where: { $0.name == name }) {
            problem(.duplicateAttribute(name), at: nameStart)
            return true
        }
        let (line, column) = lines.position(of: valueStart)
        let (nameLine, nameColumn) = lines.position(of: nameStart)
        element.attributes.append(
            PolicyAttribute(
                name: name, value: value.string, line: line, column: column, nameLine: nameLine,
                nameColumn: nameColumn))
        // Attributes of elements inside a Liquid template (its output markup) hold Liquid too.
        analyze(value, in: place, liquid: stack.last?.liquid == true, findingExpressions: format == .xml)
        return true
    }

    mutating func endTag() {
        let start = index
        index += 2
        let name = readName()
        _ = skipWhitespace()
        if index < count, source[index] == ">" {
            index += 1
        } else {
            problem(.malformedEndTag(name), at: start)
            while index < count, source[index] != ">", source[index] != "<" { index += 1 }
            if index < count, source[index] == ">" { index += 1 }
        }
        guard !name.isEmpty else { return }
        guard let match = stack.lastIndex(where: { $0.element.name == name }) else {
            problem(.strayEndTag(name, open: stack.last?.element.name), at: start)
            return
        }
        if match != stack.count - 1, let innermost = stack.last {
            problem(.mismatchedEndTag(open: innermost.element.name, close: name), at: start)
        }
        while stack.count > match { closeInnermost() }
    }

    /// Adds a read start tag: opened (its content follows) or complete (self-closing or unfinished).
    mutating func add(_ element: PolicyElement, place: PolicyElementPlace, open: Bool) {
        let depth = stack.count + 1
        let inTree = depth <= PolicyXMLReader.maximumDepth && stack.last?.inTree != false
        if !inTree, !reportedTooDeep, depth > PolicyXMLReader.maximumDepth {
            reportedTooDeep = true
            problem(.tooDeep(PolicyXMLReader.maximumDepth), atLine: element.line, column: element.column)
        }
        if inTree {
            scan.elements.append(
                PolicyScan.Element(
                    name: element.name, attributes: element.attributes, ancestors: stack.map(\.element.name),
                    line: element.line, column: element.column, selfClosing: element.selfClosing))
        }
        let liquid =
            stack.last?.liquid == true
            || (element.name == "set-body" && element.attribute("template")?.value.lowercased() == "liquid")
        let opened = OpenElement(element: element, place: place, liquid: liquid, inTree: inTree)
        if open {
            stack.append(opened)
        } else if inTree {
            append(.element(element))
        }
    }

    mutating func closeInnermost() {
        let closed = stack.removeLast()
        if closed.inTree { append(.element(closed.element)) }
    }

    /// Appends `node` to the innermost open element, or to the top level.
    mutating func append(_ node: PolicyNode) {
        if stack.isEmpty {
            topLevel.append(node)
        } else if stack[stack.count - 1].inTree {
            stack[stack.count - 1].element.children.append(node)
        }
    }

    // MARK: - Comments, CDATA, text

    mutating func comment() {
        let start = index
        let body = index + 4
        let end = find("-->", from: body)
        if end == nil {
            problem(.unterminatedComment, at: start)
            swallowedToEnd = true
        }
        let bodyEnd = end ?? count
        // XML 1.0 §2.5: a comment holds no `--` and does not end with `-`.
        if let hyphens = (body..<bodyEnd).first(where: {
            source[$0] == "-" && ($0 + 1 == bodyEnd ? end != nil : source[$0 + 1] == "-")
        }) {
            problem(.doubleHyphenInComment, at: hyphens)
        }
        var content = DecodedText()
        appendSource(body..<bodyEnd, into: &content)
        append(.comment(content.string))
        index = end.map { $0 + 3 } ?? count
    }

    mutating func cdata() {
        let start = index
        let body = index + 9
        let end = find("]]>", from: body)
        if end == nil {
            problem(.unterminatedCDATA, at: start)
            swallowedToEnd = true
        }
        if stack.isEmpty { problem(.dataAtRootLevel, at: start) }
        var content = DecodedText()
        appendSource(body..<(end ?? count), into: &content)
        let (line, column) = lines.position(of: body)
        append(.cdata(PolicyText(content.string, line: line, column: column)))
        analyze(content, in: stack.last?.place, liquid: stack.last?.liquid == true, findingExpressions: true)
        index = end.map { $0 + 3 } ?? count
    }

    mutating func flushText() {
        guard !text.isEmpty else { return }
        let pending = text
        text = DecodedText()
        guard let innermost = stack.last else {
            if let first = pending.scalars.indices.first(where: { !Self.isWhitespace(pending.scalars[$0]) }) {
                problem(.dataAtRootLevel, at: pending.sources[first])
            }
            analyze(pending, in: nil, liquid: false, findingExpressions: format == .xml)
            return
        }
        let (line, column) = lines.position(of: pending.sources.first ?? index)
        append(.text(PolicyText(pending.string, line: line, column: column)))
        analyze(pending, in: innermost.place, liquid: innermost.liquid, findingExpressions: format == .xml)
    }

    // MARK: - Entities and expressions

    /// Decodes the entity or character reference at `index` into `target`; a malformed one is kept as written.
    mutating func entity(into target: inout DecodedText) {
        let start = index
        var end = start + 1
        while end < count, end - start <= 40, source[end] != ";",
            Self.isNameChar(source[end]) || source[end] == "#"
        {
            end += 1
        }
        guard end < count, source[end] == ";", end > start + 1 else {
            problem(.malformedEntity, at: start)
            target.append("&", from: start)
            index += 1
            return
        }
        let body = String(String.UnicodeScalarView(source[(start + 1)..<end]))
        index = end + 1
        if let scalar = Self.resolve(entity: body) {
            target.append(scalar, from: start)
            return
        }
        problem(body.hasPrefix("#") ? .invalidCharacterReference(body) : .undeclaredEntity(body), at: start)
        for offset in start...end { target.append(source[offset], from: offset) }
    }

    /// The scalar `&body;` stands for: one of XML's five entities or a character reference to a valid XML character.
    static func resolve(entity body: String) -> Unicode.Scalar? {
        switch body {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard body.hasPrefix("#") else { return nil }
            let digits = body.dropFirst()
            let code =
                digits.hasPrefix("x") || digits.hasPrefix("X")
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let code, let scalar = Unicode.Scalar(code) else { return nil }
            let valid =
                code == 0x9 || code == 0xA || code == 0xD || (0x20...0xD7FF).contains(code)
                || (0xE000...0xFFFD).contains(code) || (0x1_0000...0x10_FFFF).contains(code)
            return valid ? scalar : nil
        }
    }

    /// Reads the `rawxml` expression at `index` verbatim into `target`. One that never closes is one problem; it is
    /// taken to end where its attribute (`quote`) or its element's text plausibly ends, so reading goes on.
    mutating func expression(into target: inout DecodedText, quote: Unicode.Scalar?) {
        let start = index
        let fallback: Int
        if unterminatedExpressions >= 8 {
            // Past a few, the nearest plausible end, so that many of them still read in linear time.
            fallback = (start + 2..<count).first { source[$0] == "<" || source[$0] == quote } ?? count
        } else {
            fallback = quote.map { attributeEnd(from: start + 2, quote: $0) } ?? textEnd(from: start + 2)
        }
        let limit = unterminatedExpressions < 8 ? count : fallback
        let extent = PolicyExpression.extent(in: source, lines: lines, at: start, limit: limit)
        let end = extent.end ?? fallback
        for lexical in extent.problems where lexical.offset < end {
            problem(.expression(lexical.message), at: lexical.offset)
        }
        if extent.end == nil {
            unterminatedExpressions += 1
            problem(.unterminatedExpression, at: start)
        }
        let first = target.scalars.count
        appendSource(start..<end, into: &target, decodingEntities: decodeInExpressions)
        target.expressions.append(first..<target.scalars.count)
        index = end
    }

    /// The entity at `offset` and the offset after it, if it is a valid one (no problems reported).
    func entityLeniently(at offset: Int, end: Int) -> (Unicode.Scalar, Int)? {
        var semicolon = offset + 1
        while semicolon < end, semicolon - offset <= 12, source[semicolon] != ";" { semicolon += 1 }
        guard semicolon < end, source[semicolon] == ";" else { return nil }
        let body = String(String.UnicodeScalarView(source[(offset + 1)..<semicolon]))
        return Self.resolve(entity: body).map { ($0, semicolon + 1) }
    }

    /// Where an attribute value plausibly ends: a `quote` followed by `>`, `/>`, or another `name=`.
    func attributeEnd(from start: Int, quote: Unicode.Scalar) -> Int {
        var firstQuote: Int?
        var offset = start
        while offset < count {
            defer { offset += 1 }
            guard source[offset] == quote else { continue }
            if firstQuote == nil { firstQuote = offset }
            var next = offset + 1
            while next < count, Self.isWhitespace(source[next]) { next += 1 }
            guard next < count else { return offset }
            if source[next] == ">" || (source[next] == "/" && next + 1 < count && source[next + 1] == ">") {
                return offset
            }
            if next > offset + 1, Self.isNameStart(source[next]) {
                var after = next
                while after < count, Self.isNameChar(source[after]) { after += 1 }
                while after < count, Self.isWhitespace(source[after]) { after += 1 }
                if after < count, source[after] == "=" { return offset }
            }
        }
        return firstQuote ?? count
    }

    /// Where element text holding an expression plausibly ends: the innermost element's end tag, or any end tag.
    func textEnd(from start: Int) -> Int {
        if let name = stack.last?.element.name, let end = find("</" + name, from: start) { return end }
        return find("</", from: start) ?? count
    }

    /// Records the named-value references in `value`, its unclosed `{{`, and — for `xml`, where expressions are
    /// found only now — the problems inside its expressions.
    mutating func analyze(
        _ value: DecodedText, in place: PolicyElementPlace?, liquid: Bool, findingExpressions: Bool
    ) {
        var expressions = value.expressions
        if findingExpressions, value.scalars.contains("@") {
            let found = PolicyExpression.ranges(in: value.scalars, lines: SourceLines(value.scalars))
            for lexical in found.problems where !decodeInExpressions {
                problem(.expression(lexical.message), at: value.sources[lexical.offset], element: place)
            }
            expressions = found.ranges
        }
        let scalars = value.scalars
        var lastClose = -1
        var offset = scalars.count - 2
        while offset >= 0 {
            if scalars[offset] == "}", scalars[offset + 1] == "}" {
                lastClose = offset
                break
            }
            offset -= 1
        }
        offset = 0
        while offset + 1 < scalars.count {
            guard scalars[offset] == "{", scalars[offset + 1] == "{" else {
                offset += 1
                continue
            }
            var cursor = offset + 2
            while cursor < scalars.count, scalars[cursor] == " " || scalars[cursor] == "\t" { cursor += 1 }
            let nameStart = cursor
            while cursor < scalars.count, PolicyNamedValueReference.isNameScalar(scalars[cursor]) { cursor += 1 }
            let name = String(String.UnicodeScalarView(scalars[nameStart..<cursor]))
            while cursor < scalars.count, scalars[cursor] == " " || scalars[cursor] == "\t" { cursor += 1 }
            let closed = cursor + 1 < scalars.count && scalars[cursor] == "}" && scalars[cursor + 1] == "}"
            if !liquid, !name.isEmpty {
                let (line, column) = lines.position(of: value.sources[offset])
                if closed {
                    scan.namedValueReferences.append(
                        PolicyNamedValueReference(name: name, line: line, column: column, element: place))
                } else if lastClose < nameStart, !expressions.contains(where: { $0.contains(offset) }) {
                    scan.problems.append(
                        PolicyProblem(kind: .unclosedNamedValue(name), line: line, column: column, element: place))
                }
            }
            offset = closed ? cursor + 2 : offset + 2
        }
    }

    // MARK: - Helpers

    mutating func problem(_ kind: PolicyProblem.Kind, at offset: Int) {
        problem(kind, at: offset, element: stack.last?.place)
    }

    mutating func problem(_ kind: PolicyProblem.Kind, at offset: Int, element: PolicyElementPlace?) {
        let (line, column) = lines.position(of: offset)
        scan.problems.append(PolicyProblem(kind: kind, line: line, column: column, element: element))
    }

    mutating func problem(_ kind: PolicyProblem.Kind, atLine line: Int, column: Int) {
        scan.problems.append(PolicyProblem(kind: kind, line: line, column: column, element: stack.last?.place))
    }

    /// Moves past the next `terminator`; false (and nothing moved) when there is none.
    mutating func skip(past terminator: String) -> Bool {
        guard let end = find(terminator, from: index + 1) else {
            swallowedToEnd = true
            return false
        }
        index = end + terminator.unicodeScalars.count
        return true
    }

    func find(_ literal: String, from start: Int) -> Int? {
        let needle = Array(literal.unicodeScalars)
        guard let first = needle.first else { return nil }
        var offset = start
        while offset + needle.count <= count {
            if source[offset] == first, source[offset..<(offset + needle.count)].elementsEqual(needle) { return offset }
            offset += 1
        }
        return nil
    }

    func lookingAt(_ literal: String) -> Bool {
        var offset = index
        for scalar in literal.unicodeScalars {
            guard offset < count, source[offset] == scalar else { return false }
            offset += 1
        }
        return true
    }

    /// Appends `source[range]` to `target` with line ends as `\n` and, when `decodingEntities`, valid entities
    /// resolved (no problems reported: for text whose format is unknown).
    func appendSource(_ range: Range<Int>, into target: inout DecodedText, decodingEntities: Bool = false) {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let scalar = source[offset]
            if scalar == "\r" {
                target.append("\n", from: offset)
                offset += offset + 1 < range.upperBound && source[offset + 1] == "\n" ? 2 : 1
            } else if decodingEntities, scalar == "&",
                let (decoded, next) = entityLeniently(at: offset, end: range.upperBound)
            {
                target.append(decoded, from: offset)
                offset = next
            } else {
                target.append(scalar, from: offset)
                offset += 1
            }
        }
    }

    /// Appends the scalar at `index` (a line end as `\n`) and moves past it.
    mutating func appendNormalizingLineEnd(into target: inout DecodedText) {
        if source[index] == "\r" {
            target.append("\n", from: index)
            index += index + 1 < count && source[index + 1] == "\n" ? 2 : 1
        } else {
            target.append(source[index], from: index)
            index += 1
        }
    }

    mutating func readName() -> String {
        let start = index
        while index < count, Self.isNameChar(source[index]) { index += 1 }
        return String(String.UnicodeScalarView(source[start..<index]))
    }

    /// Skips XML white space; whether there was any.
    mutating func skipWhitespace() -> Bool {
        let start = index
        while index < count, Self.isWhitespace(source[index]) { index += 1 }
        return index > start
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == ":"
        }
        return scalar.properties.isAlphabetic
    }

    static func isNameChar(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
            || scalar == "\u{B7}"
    }
}
