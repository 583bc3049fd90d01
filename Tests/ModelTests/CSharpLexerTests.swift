import Model
import Testing

@Suite struct CSharpLexerTests {
    /// `(kind, text)` of every token.
    static func lex(_ source: String) -> [(CSharpToken.Kind, String)] {
        CSharpLexer.tokenize(source).tokens.map { ($0.kind, $0.text) }
    }

    static func texts(_ source: String) -> [String] { CSharpLexer.tokenize(source).tokens.map(\.text) }

    static func problems(_ source: String) -> [String] { CSharpLexer.tokenize(source).problems.map(\.message) }

    @Test func identifiersKeywordsAndVerbatimIdentifiers() {
        let tokens = Self.lex("var x = new List<string>(); return @class ?? _under;")
        #expect(tokens.filter { $0.0 == .keyword }.map(\.1) == ["new", "string", "return"])
        #expect(tokens.filter { $0.0 == .identifier }.map(\.1) == ["var", "x", "List", "@class", "_under"])
        #expect(Self.problems("var x = new List<string>();").isEmpty)
    }

    @Test func numericLiterals() {
        let tokens = Self.lex("42 0x2A 0b1010 1_000 10UL 1.5 .5 1e3 2.5e-3 2f 10m 3d")
        #expect(
            tokens.map(\.1) == [
                "42", "0x2A", "0b1010", "1_000", "10UL", "1.5", ".5", "1e3", "2.5e-3", "2f", "10m", "3d",
            ])
        #expect(tokens.prefix(5).allSatisfy { $0.0 == .integerLiteral })
        #expect(tokens.dropFirst(5).allSatisfy { $0.0 == .realLiteral })
        // A member access on an integer is not a real literal.
        #expect(Self.texts("1.ToString()") == ["1", ".", "ToString", "(", ")"])
    }

    @Test func characterLiterals() {
        #expect(Self.lex(#"'a' '\n' '\'' '\u0041' '"'"#).map(\.0) == Array(repeating: .characterLiteral, count: 5))
        #expect(Self.problems(#"'a' '\n' '\'' '\u0041' '"'"#).isEmpty)
        #expect(Self.problems("''") == ["Empty character literal"])
        #expect(Self.problems("'ab'") == ["Too many characters in character literal"])
        #expect(Self.problems("'a\nb") == ["Newline in constant"])
    }

    @Test func regularStringsWithEscapes() {
        let tokens = Self.lex(#"x.Replace("a\"b)", "\\") + "}""#)
        #expect(tokens.filter { $0.0 == .stringLiteral }.map(\.1) == [#""a\"b)""#, #""\\""#, #""}""#])
        #expect(Self.problems(#"x.Replace("a\"b)", "\\")"#).isEmpty)
    }

    @Test func aRegularStringEndsAtTheEndOfItsLineWithAPIMsMessage() {
        let result = CSharpLexer.tokenize("var s = \"open\nnext();")
        #expect(result.problems.map(\.message) == [CSharpLexer.unterminatedStringMessage])
        #expect(result.problems.map { [$0.line, $0.column] } == [[1, 9]])
        #expect(result.tokens.map(\.text).suffix(4) == ["next", "(", ")", ";"])
    }

    @Test func verbatimStringsDoubleTheirQuotesAndSpanLines() {
        let tokens = Self.lex("@\"C:\\path \"\"quoted\"\"\nsecond line)\" + x")
        #expect(tokens.first?.0 == .verbatimStringLiteral)
        #expect(tokens.first?.1 == "@\"C:\\path \"\"quoted\"\"\nsecond line)\"")
        #expect(tokens.dropFirst().map(\.1) == ["+", "x"])
        #expect(Self.problems("@\"never closed") == ["Unterminated string literal."])
    }

    @Test func interpolatedStringsWithHolesAlignmentFormatAndEscapedBraces() throws {
        let result = CSharpLexer.tokenize(
            #"$"{{literal}} {count,5:N0} items at {DateTime.UtcNow:yyyy-MM-dd HH:mm} {(ok ? "y" : "n")}""#)
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.tokens.count == 1)
        let token = try #require(result.tokens.first)
        #expect(token.kind == .interpolatedStringLiteral)
        let parts = try #require(token.interpolation)
        #expect(parts.count == 6)
        #expect(parts[0] == .literal("{{literal}} "))
        guard case .hole(let expression, let alignment, let format) = parts[1] else {
            Issue.record("expected a hole, got \(parts[1])")
            return
        }
        #expect(expression.map(\.text) == ["count"])
        #expect(alignment.map(\.text) == ["5"])
        #expect(format == "N0")
        guard case .hole(let time, _, let timeFormat) = parts[3] else {
            Issue.record("expected a hole, got \(parts[3])")
            return
        }
        #expect(time.map(\.text) == ["DateTime", ".", "UtcNow"])
        #expect(timeFormat == "yyyy-MM-dd HH:mm")
        guard case .hole(let conditional, _, nil) = parts[5] else {
            Issue.record("expected a hole without format, got \(parts[5])")
            return
        }
        #expect(conditional.map(\.text) == ["(", "ok", "?", #""y""#, ":", #""n""#, ")"])
    }

    @Test func nestedInterpolatedStrings() throws {
        let result = CSharpLexer.tokenize(#"$"a{(x ? $"b{y + $"c{z}"}" : "d")}e" + 1"#)
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.tokens.map(\.text) == [#"$"a{(x ? $"b{y + $"c{z}"}" : "d")}e""#, "+", "1"])
    }

    @Test func verbatimInterpolatedStringsInBothOrders() throws {
        for prefix in ["$@", "@$"] {
            let source = prefix + "\"path \"\"{name}\"\"\n{{done}} {(a ? 1 : 2)}\" + rest"
            let result = CSharpLexer.tokenize(source)
            #expect(result.problems.isEmpty, "\(prefix): \(result.problems)")
            #expect(result.tokens.map(\.text) == [String(source.dropLast(7)), "+", "rest"], "\(prefix)")
            #expect(result.tokens.first?.kind == .interpolatedStringLiteral)
            #expect(result.tokens.first?.interpolation?.count == 4)
        }
    }

    @Test func aLoneClosingBraceInAnInterpolatedStringIsAProblem() {
        #expect(
            Self.problems(#"$"a } b""#) == ["A '}' character must be escaped (by doubling) in an interpolated string."])
        #expect(Self.problems(#"$"a {x"#).contains("The interpolation hole opened here has no closing '}'"))
    }

    @Test func comments() {
        let tokens = Self.lex("a // 1) first: close ) and }\n/* 2) block ) } \" */ b")
        #expect(tokens.map(\.0) == [.identifier, .lineComment, .blockComment, .identifier])
        #expect(tokens[1].1 == "// 1) first: close ) and }")
        #expect(tokens[2].1 == "/* 2) block ) } \" */")
        #expect(Self.problems("a /* never closed") == ["End-of-file found, '*/' expected."])
    }

    @Test func operatorsAndPunctuators() {
        #expect(
            Self.texts("h => h.Key == \"Via\" && a?.b ?? c ??= d :: e != f <= g >= h << i <<= j -> k ++ -- ..")
                == [
                    "h", "=>", "h", ".", "Key", "==", "\"Via\"", "&&", "a", "?.", "b", "??", "c", "??=", "d", "::", "e",
                    "!=", "f", "<=", "g", ">=", "h", "<<", "i", "<<=", "j", "->", "k", "++", "--", "..",
                ])
        // `?.5` is a conditional and a real literal, not a null-conditional access.
        #expect(Self.texts("a?.5:1") == ["a", "?", ".5", ":", "1"])
    }

    @Test func greaterThanIsAlwaysItsOwnTokenSoGenericsAndShiftsBothWork() {
        let generic = CSharpLexer.tokenize("List<List<int>> x").tokens
        #expect(generic.map(\.text) == ["List", "<", "List", "<", "int", ">", ">", "x"])
        #expect(generic[5].isAdjacent(to: generic[6]))
        let shift = CSharpLexer.tokenize("a >> 2 > > 3 >>= 1").tokens
        #expect(shift.map(\.text) == ["a", ">", ">", "2", ">", ">", "3", ">", ">=", "1"])
        #expect(shift[1].isAdjacent(to: shift[2]))
        #expect(!shift[4].isAdjacent(to: shift[5]))
        #expect(shift[7].isAdjacent(to: shift[8]))
    }

    @Test func tokensCarryPositions() {
        let tokens = CSharpLexer.tokenize("a\r\n  bc\n\td").tokens
        #expect(tokens.map { [$0.line, $0.column] } == [[1, 1], [2, 3], [3, 2]])
        #expect(tokens.map { [$0.start, $0.end] } == [[0, 1], [5, 7], [9, 10]])
    }

    @Test func unexpectedCharactersAreTokensAndProblems() {
        let result = CSharpLexer.tokenize("a ` b \\ c")
        #expect(result.tokens.map(\.kind) == [.identifier, .invalid, .identifier, .invalid, .identifier])
        #expect(result.problems.map(\.message) == ["Unexpected character '`'", "Unexpected character '\\'"])
    }

    @Test func interpolationNestingIsBoundedWithAClearProblem() {
        var source = "x"
        for _ in 0..<40 { source = "$\"{" + source + "}\"" }
        let result = CSharpLexer.tokenize(source)
        #expect(
            result.problems.first?.message
                == "Interpolated strings are nested more than 16 levels deep; the rest of the expression is not read")
        // A hundred thousand levels: still one problem, no stack overflow.
        let deep = String(repeating: "$\"{", count: 100_000)
        #expect(CSharpLexer.tokenize(deep).problems.count >= 1)
    }

    @Test func neverTrapsOnArbitraryInput() {
        let alphabet = Array("$@\"'{}()[]<>/\\*;:?.=!&|^~#`\n\r\t 0x1e_aZé😀-+,%".unicodeScalars)
        var generator = SplitMix64(seed: 14)
        for _ in 0..<3000 {
            let length = Int(generator.next() % 60)
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let result = CSharpLexer.tokenize(String(text))
            // Tokens cover the text in order without overlapping.
            var last = 0
            for token in result.tokens {
                #expect(token.start >= last && token.end > token.start)
                last = token.end
            }
        }
    }
}

/// A small deterministic generator for the no-trap loops (the test must fail the same way every run).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
