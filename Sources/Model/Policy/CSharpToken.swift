/// One token of a C# policy expression, as ``CSharpLexer`` reads it.
///
/// Offsets are Unicode-scalar offsets into the text the lexer was given; `line` and `column` are 1-based (columns in
/// scalars). `>` is always a token of its own: whether `> >` is a shift operator or the end of two generic argument
/// lists (`List<List<int>>`) is the parser's decision, made from ``isAdjacent(to:)`` as Roslyn does.
public struct CSharpToken: Sendable, Hashable {
    /// What a token is.
    public enum Kind: Sendable, Hashable {
        /// A name, including contextual keywords (`var`, `await`, `nameof` …) and verbatim identifiers (`@class`).
        case identifier
        /// A reserved keyword (`new`, `return`, `string`, `true`, `null` …).
        case keyword
        /// `42`, `0x2A`, `0b101`, `1_000`, `10UL`.
        case integerLiteral
        /// `1.5`, `.5`, `1e3`, `2f`, `10m`.
        case realLiteral
        /// `'a'`, `'\n'`, `'\u0041'`.
        case characterLiteral
        /// `"…"` with backslash escapes.
        case stringLiteral
        /// `@"…"`: no escapes but `""`, may span lines.
        case verbatimStringLiteral
        /// `$"…"`, `$@"…"` or `@$"…"`; its parts are in ``CSharpToken/interpolation``.
        case interpolatedStringLiteral
        /// `// …` up to the end of the line.
        case lineComment
        /// `/* … */`.
        case blockComment
        /// An operator or punctuator (`(`, `=>`, `?.`, `??`, `>=` …).
        case punctuator
        /// A character C# does not allow here (reported as a problem too).
        case invalid
    }

    public var kind: Kind
    /// The token's source text, exactly as written.
    public var text: String
    /// The offset of the token's first scalar.
    public var start: Int
    /// The offset just past the token.
    public var end: Int
    public var line: Int
    public var column: Int
    /// The literal parts and holes of an interpolated string, in order; nil for other tokens.
    public var interpolation: [CSharpInterpolationPart]?

    public init(
        kind: Kind, text: String, start: Int, end: Int, line: Int, column: Int,
        interpolation: [CSharpInterpolationPart]? = nil
    ) {
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.line = line
        self.column = column
        self.interpolation = interpolation
    }

    /// Whether the token is trivia a parser skips (a comment).
    public var isComment: Bool { kind == .lineComment || kind == .blockComment }

    /// Whether `next` starts exactly where this token ends (no white space or comment between): `>` `>` adjacent
    /// may form the shift operator `>>`, separated they cannot.
    public func isAdjacent(to next: CSharpToken) -> Bool { end == next.start }
}

/// A piece of an interpolated string: literal text (escapes and `{{`/`}}` as written) or a `{…}` hole.
public enum CSharpInterpolationPart: Sendable, Hashable {
    case literal(String)
    /// `{expression,alignment:format}`: the expression's tokens, the alignment's tokens (empty without one) and the
    /// format specifier's text (nil without one).
    case hole(expression: [CSharpToken], alignment: [CSharpToken], format: String?)
}

/// A lexical error in a C# expression: an unterminated literal or comment, a stray character.
public struct CSharpLexProblem: Sendable, Hashable {
    public var message: String
    /// The scalar offset of the problem in the lexed text.
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }
}
