/// A lexer for the C# of APIM policy expressions (`@(…)`, `@{…}`), shared by `validate`, the planner and the
/// emulator, and meant for the local gateway's interpreter.
///
/// It reads identifiers, keywords, numeric, character and string literals — regular, verbatim `@"…"` (with `""`),
/// interpolated `$"…{expression,alignment:format}…"` with `{{`/`}}` escapes and nested holes, `$@"…"` and `@$"…"` —
/// comments `//` and `/* */`, and operators and punctuators (C# language specification, "Lexical structure").
/// It never fails: a malformed token becomes a token plus a ``CSharpLexProblem``. It recurses only into interpolation
/// holes, at most ``maximumInterpolationDepth`` deep; deeper input is one problem, never the process stack.
public struct CSharpLexer {
    /// How deep interpolated strings may nest inside each other's holes.
    public static let maximumInterpolationDepth = 16

    /// APIM's message for a regular string that reaches the end of its line (azure-api-management-devops-resource-kit
    /// issue 350: "Error in element 'choose' on line 15, column 4: Unterminated string literal. …").
    public static let unterminatedStringMessage =
        "Unterminated string literal.  Strings that start with a quotation mark (\") must be terminated before the "
        + "end of the line.  However, strings that start with @ and a quotation mark (@\") can span multiple lines."

    private let scalars: [Unicode.Scalar]
    private let lines: SourceLines
    private let limit: Int
    /// False when only the extent of an expression is wanted: tokens then carry no text and no line and column
    /// (problems still do), which makes finding extents several times cheaper.
    private let describesTokens: Bool
    /// The offset the next token is read from.
    public private(set) var offset: Int
    /// The problems found so far, in source order.
    public private(set) var problems: [CSharpLexProblem] = []

    /// A lexer over all of `source`.
    public init(_ source: String) {
        let scalars = Array(source.unicodeScalars)
        self.init(scalars: scalars, lines: SourceLines(scalars), from: 0, to: scalars.count)
    }

    /// A lexer over `scalars[from..<to]`, with offsets and positions those of the whole buffer.
    init(scalars: [Unicode.Scalar], lines: SourceLines, from: Int, to: Int, describesTokens: Bool = true) {
        self.scalars = scalars
        self.lines = lines
        self.limit = min(to, scalars.count)
        self.offset = max(0, min(from, limit))
        self.describesTokens = describesTokens
    }

    /// Every token of `source` (comments included) and the lexical problems.
    public static func tokenize(_ source: String) -> (tokens: [CSharpToken], problems: [CSharpLexProblem]) {
        var lexer = CSharpLexer(source)
        var tokens: [CSharpToken] = []
        while let token = lexer.next() { tokens.append(token) }
        return (tokens, lexer.problems)
    }

    /// The next token, or nil at the end.
    public mutating func next() -> CSharpToken? { nextToken(depth: 0) }

    // MARK: - Tokens

    private mutating func nextToken(depth: Int) -> CSharpToken? {
        skipWhitespace()
        guard offset < limit else { return nil }
        let start = offset
        let scalar = scalars[start]
        switch scalar {
        case "/" where peek(1) == "/":
            while offset < limit, !Self.isNewline(scalars[offset]) { offset += 1 }
            return token(.lineComment, from: start)
        case "/" where peek(1) == "*":
            offset += 2
            while offset < limit, !(scalars[offset] == "*" && peek(1) == "/") { offset += 1 }
            if offset < limit {
                offset += 2
            } else {
                problem("End-of-file found, '*/' expected.", at: start)
            }
            return token(.blockComment, from: start)
        case "\"":
            return regularString(from: start)
        case "@" where peek(1) == "\"":
            return verbatimString(from: start)
        case "$" where peek(1) == "\"":
            return interpolatedString(from: start, contentStart: start + 2, verbatim: false, depth: depth)
        case "$" where peek(1) == "@" && peek(2) == "\"", "@" where peek(1) == "$" && peek(2) == "\"":
            return interpolatedString(from: start, contentStart: start + 3, verbatim: true, depth: depth)
        case "@" where peek(1).map(Self.isIdentifierStart) == true:
            offset += 1
            while offset < limit, Self.isIdentifierPart(scalars[offset]) { offset += 1 }
            return token(.identifier, from: start)
        case "'":
            return characterLiteral(from: start)
        case "0"..."9":
            return number(from: start)
        case "." where peek(1).map { ("0"..."9").contains($0) } == true:
            return number(from: start)
        default:
            if Self.isIdentifierStart(scalar) {
                while offset < limit, Self.isIdentifierPart(scalars[offset]) { offset += 1 }
                let word = token(.identifier, from: start)
                return describesTokens && Self.keywords.contains(word.text) ? with(word, kind: .keyword) : word
            }
            if let length = punctuatorLength(at: start) {
                offset += length
                return token(.punctuator, from: start)
            }
            offset += 1
            problem("Unexpected character '\(Character(scalar))'", at: start)
            return token(.invalid, from: start)
        }
    }

    private mutating func regularString(from start: Int) -> CSharpToken {
        offset = start + 1
        while offset < limit {
            let scalar = scalars[offset]
            if scalar == "\"" {
                offset += 1
                return token(.stringLiteral, from: start)
            }
            if Self.isNewline(scalar) { break }
            offset += scalar == "\\" && offset + 1 < limit && !Self.isNewline(scalars[offset + 1]) ? 2 : 1
        }
        problem(Self.unterminatedStringMessage, at: start)
        return token(.stringLiteral, from: start)
    }

    private mutating func verbatimString(from start: Int) -> CSharpToken {
        offset = start + 2
        while offset < limit {
            if scalars[offset] == "\"" {
                if peek(1) == "\"" {
                    offset += 2
                    continue
                }
                offset += 1
                return token(.verbatimStringLiteral, from: start)
            }
            offset += 1
        }
        problem("Unterminated string literal.", at: start)
        return token(.verbatimStringLiteral, from: start)
    }

    private mutating func characterLiteral(from start: Int) -> CSharpToken {
        offset = start + 1
        if offset < limit, scalars[offset] == "'" {
            offset += 1
            problem("Empty character literal", at: start)
            return token(.characterLiteral, from: start)
        }
        if offset < limit, scalars[offset] == "\\" {
            offset += 1
            if offset < limit, !Self.isNewline(scalars[offset]) {
                let escape = scalars[offset]
                offset += 1
                let digits = escape == "u" ? 4 : escape == "U" ? 8 : escape == "x" ? 4 : 0
                var taken = 0
                while taken < digits, offset < limit, Self.isHexDigit(scalars[offset]) {
                    offset += 1
                    taken += 1
                }
            }
        } else if offset < limit, !Self.isNewline(scalars[offset]) {
            offset += 1
        }
        if offset < limit, scalars[offset] == "'" {
            offset += 1
            return token(.characterLiteral, from: start)
        }
        var end = offset
        while end < limit, scalars[end] != "'", !Self.isNewline(scalars[end]) { end += 1 }
        if end < limit, scalars[end] == "'" {
            offset = end + 1
            problem("Too many characters in character literal", at: start)
        } else {
            problem("Newline in constant", at: start)
        }
        return token(.characterLiteral, from: start)
    }

    private mutating func number(from start: Int) -> CSharpToken {
        offset = start
        var real = false
        if scalars[offset] == "0", let marker = peek(1),
            marker == "x" || marker == "X" || marker == "b" || marker == "B"
        {
            offset += 2
            let binary = marker == "b" || marker == "B"
            while offset < limit,
                scalars[offset] == "_"
                    || (binary
                        ? "01".unicodeScalars.contains(scalars[offset])
                        : Self.isHexDigit(scalars[offset]))
            {
                offset += 1
            }
        } else {
            skipDigits()
            if offset < limit, scalars[offset] == ".", peek(1).map({ ("0"..."9").contains($0) }) == true {
                offset += 1
                skipDigits()
                real = true
            }
            if offset < limit, scalars[offset] == "e" || scalars[offset] == "E" {
                let sign = peek(1) == "+" || peek(1) == "-" ? 1 : 0
                if peek(1 + sign).map({ ("0"..."9").contains($0) }) == true {
                    offset += 1 + sign
                    skipDigits()
                    real = true
                }
            }
            if offset < limit, "fFdDmM".unicodeScalars.contains(scalars[offset]) {
                offset += 1
                return token(.realLiteral, from: start)
            }
        }
        while offset < limit, "uUlL".unicodeScalars.contains(scalars[offset]) { offset += 1 }
        return token(real ? .realLiteral : .integerLiteral, from: start)
    }

    private mutating func skipDigits() {
        while offset < limit, ("0"..."9").contains(scalars[offset]) || scalars[offset] == "_" { offset += 1 }
    }

    // MARK: - Interpolated strings

    private mutating func interpolatedString(
        from start: Int, contentStart: Int, verbatim: Bool, depth: Int
    ) -> CSharpToken {
        guard depth < Self.maximumInterpolationDepth else {
            problem(
                "Interpolated strings are nested more than \(Self.maximumInterpolationDepth) levels deep; the rest of "
                    + "the expression is not read", at: start)
            offset = limit
            return token(.invalid, from: start)
        }
        var parts: [CSharpInterpolationPart] = []
        var literalStart = contentStart
        offset = contentStart
        func literal(upTo end: Int) -> CSharpInterpolationPart? {
            end > literalStart ? .literal(text(literalStart, end)) : nil
        }
        while offset < limit {
            let scalar = scalars[offset]
            if scalar == "\"" {
                if verbatim, peek(1) == "\"" {
                    offset += 2
                    continue
                }
                if let part = literal(upTo: offset) { parts.append(part) }
                offset += 1
                return token(.interpolatedStringLiteral, from: start, interpolation: parts)
            }
            if !verbatim, Self.isNewline(scalar) { break }
            if !verbatim, scalar == "\\" {
                offset += offset + 1 < limit && !Self.isNewline(scalars[offset + 1]) ? 2 : 1
                continue
            }
            if scalar == "{" || scalar == "}", peek(1) == scalar {
                offset += 2
                continue
            }
            if scalar == "}" {
                problem("A '}' character must be escaped (by doubling) in an interpolated string.", at: offset)
                offset += 1
                continue
            }
            if scalar == "{" {
                if let part = literal(upTo: offset) { parts.append(part) }
                offset += 1
                parts.append(hole(depth: depth))
                literalStart = offset
                continue
            }
            offset += 1
        }
        if let part = literal(upTo: offset) { parts.append(part) }
        problem(verbatim ? "Unterminated string literal." : Self.unterminatedStringMessage, at: start)
        return token(.interpolatedStringLiteral, from: start, interpolation: parts)
    }

    /// The hole whose `{` was just read, up to and including its `}`.
    private mutating func hole(depth: Int) -> CSharpInterpolationPart {
        let open = offset - 1
        var expression: [CSharpToken] = []
        var alignment: [CSharpToken] = []
        var format: String?
        var inAlignment = false
        var brackets = 0
        while true {
            skipWhitespace()
            guard offset < limit else {
                problem("The interpolation hole opened here has no closing '}'", at: open)
                break
            }
            let scalar = scalars[offset]
            if brackets == 0 {
                if scalar == "}" {
                    offset += 1
                    break
                }
                if scalar == ",", !inAlignment {
                    inAlignment = true
                    offset += 1
                    continue
                }
                if scalar == ":", peek(1) != ":" {
                    offset += 1
                    let formatStart = offset
                    while offset < limit, scalars[offset] != "}", scalars[offset] != "\"",
                        !Self.isNewline(scalars[offset])
                    {
                        offset += 1
                    }
                    format = text(formatStart, offset)
                    if offset < limit, scalars[offset] == "}" {
                        offset += 1
                    } else {
                        problem("The interpolation hole opened here has no closing '}'", at: open)
                    }
                    break
                }
            }
            guard let token = nextToken(depth: depth + 1) else { continue }
            if token.kind == .punctuator, token.end == token.start + 1 {
                switch scalars[token.start] {
                case "(", "[", "{": brackets += 1
                case ")", "]", "}": brackets = max(0, brackets - 1)
                default: break
                }
            }
            if inAlignment { alignment.append(token) } else { expression.append(token) }
        }
        return .hole(expression: expression, alignment: alignment, format: format)
    }

    // MARK: - Punctuators

    /// Operators and punctuators, longest first. `>>` and `>>=` are not here: see ``CSharpToken``.
    private static let punctuators: [[Unicode.Scalar]] = [
        "??=", "<<=",
        "??", "?.", "::", "++", "--", "&&", "||", "->", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=",
        "|=", "^=", "<<", "=>", "..",
        "{", "}", "(", ")", "[", "]", ".", ",", ":", ";", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "=", "<",
        ">", "?",
    ].map { Array($0.unicodeScalars) }

    private func punctuatorLength(at start: Int) -> Int? {
        guard let candidates = Self.punctuatorsByFirst[scalars[start]] else { return nil }
        for candidate in candidates where start + candidate.count <= limit {
            var matches = true
            for (index, scalar) in candidate.enumerated() where scalars[start + index] != scalar {
                matches = false
                break
            }
            guard matches else { continue }
            // `a?.5:1` is a conditional with the real `.5`, not `?.`.
            if candidate == ["?", "."], peek(2).map({ ("0"..."9").contains($0) }) == true { continue }
            return candidate.count
        }
        return nil
    }

    /// ``punctuators`` by their first scalar, longest first.
    private static let punctuatorsByFirst: [Unicode.Scalar: [[Unicode.Scalar]]] = Dictionary(
        grouping: punctuators, by: { $0[0] })

    /// C#'s reserved keywords (contextual keywords such as `var` are identifiers).
    static let keywords: Set<String> = [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override", "params",
        "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof",
        "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong",
        "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    ]

    // MARK: - Helpers

    private func peek(_ ahead: Int) -> Unicode.Scalar? {
        offset + ahead < limit ? scalars[offset + ahead] : nil
    }

    private mutating func skipWhitespace() {
        while offset < limit, Self.isWhitespace(scalars[offset]) { offset += 1 }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(String.UnicodeScalarView(scalars[start..<max(start, end)]))
    }

    private func token(
        _ kind: CSharpToken.Kind, from start: Int, interpolation: [CSharpInterpolationPart]? = nil
    ) -> CSharpToken {
        guard describesTokens else {
            return CSharpToken(
                kind: kind, text: "", start: start, end: offset, line: 0, column: 0, interpolation: interpolation)
        }
        let (line, column) = lines.position(of: start)
        return CSharpToken(
            kind: kind, text: text(start, offset), start: start, end: offset, line: line, column: column,
            interpolation: interpolation)
    }

    private func with(_ token: CSharpToken, kind: CSharpToken.Kind) -> CSharpToken {
        var copy = token
        copy.kind = kind
        return copy
    }

    private mutating func problem(_ message: String, at start: Int) {
        let (line, column) = lines.position(of: start)
        problems.append(CSharpLexProblem(message: message, offset: start, line: line, column: column))
    }

    static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || ("\t"..."\r").contains(scalar) }
        return scalar.properties.isWhitespace || scalar == "\u{FEFF}"
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" }
        return scalar.properties.isAlphabetic
    }

    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isIdentifierStart(scalar) || ("0"..."9").contains(scalar) }
        if isIdentifierStart(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .connectorPunctuation, .format: return true
        default: return false
        }
    }
}
