/// Policy expressions `@(…)` and `@{…}` inside attribute values and element text: where each ends, found with
/// ``CSharpLexer`` so that strings, character literals, comments, generics and `{{`/`}}` inside never confuse it.
public enum PolicyExpression {
    /// A piece of a value: literal text or a whole expression (`@(…)` / `@{…}`, delimiters included).
    public enum Segment: Sendable, Hashable {
        case text(String)
        case expression(String)
    }

    /// Splits `value` into literal text and expressions. An expression that never closes is literal text.
    public static func segments(of value: String) -> [Segment] {
        let scalars = Array(value.unicodeScalars)
        var result: [Segment] = []
        var plainStart = 0
        for range in ranges(in: scalars, lines: SourceLines(scalars)).ranges {
            if range.lowerBound > plainStart {
                result.append(.text(String(String.UnicodeScalarView(scalars[plainStart..<range.lowerBound]))))
            }
            result.append(.expression(String(String.UnicodeScalarView(scalars[range]))))
            plainStart = range.upperBound
        }
        if plainStart < scalars.count {
            result.append(.text(String(String.UnicodeScalarView(scalars[plainStart...]))))
        }
        return result
    }

    /// Whether an expression starts at `offset` (`@(` or `@{`).
    static func starts(in scalars: [Unicode.Scalar], at offset: Int, limit: Int) -> Bool {
        offset + 1 < limit && scalars[offset] == "@" && (scalars[offset + 1] == "(" || scalars[offset + 1] == "{")
    }

    /// Every expression of `scalars` and the problems inside them. After the first expression that never closes,
    /// the rest is literal text, so the work stays linear in the length of the value.
    static func ranges(
        in scalars: [Unicode.Scalar], lines: SourceLines
    ) -> (ranges: [Range<Int>], problems: [CSharpLexProblem]) {
        var ranges: [Range<Int>] = []
        var problems: [CSharpLexProblem] = []
        var offset = 0
        while offset < scalars.count {
            guard starts(in: scalars, at: offset, limit: scalars.count) else {
                offset += 1
                continue
            }
            let extent = extent(in: scalars, lines: lines, at: offset, limit: scalars.count)
            problems += extent.problems
            guard let end = extent.end else { break }
            ranges.append(offset..<end)
            offset = end
        }
        return (ranges, problems)
    }

    /// Where an expression ends.
    struct Extent {
        /// The offset just past the closing `)` or `}`; nil when it never closes before `limit`.
        var end: Int?
        /// Lexical problems and brackets that do not match, in source order.
        var problems: [CSharpLexProblem]
    }

    /// The extent of the expression whose `@` is at `start` (`scalars[start + 1]` is `(` or `{`), read no further
    /// than `limit`.
    static func extent(in scalars: [Unicode.Scalar], lines: SourceLines, at start: Int, limit: Int) -> Extent {
        var lexer = CSharpLexer(scalars: scalars, lines: lines, from: start + 1, to: limit, describesTokens: false)
        // Open brackets: the closing scalar each expects and where it was opened.
        var open: [(closer: Unicode.Scalar, offset: Int)] = []
        var problems: [CSharpLexProblem] = []
        func place(_ offset: Int) -> String {
            let (line, column) = lines.position(of: offset)
            return "line \(line), column \(column)"
        }
        func mismatch(_ message: String, at offset: Int) {
            let (line, column) = lines.position(of: offset)
            problems.append(CSharpLexProblem(message: message, offset: offset, line: line, column: column))
        }
        while let token = lexer.next() {
            guard token.kind == .punctuator, token.end == token.start + 1 else { continue }
            let scalar = scalars[token.start]
            switch scalar {
            case "(": open.append((")", token.start))
            case "[": open.append(("]", token.start))
            case "{": open.append(("}", token.start))
            case ")", "]", "}":
                if let last = open.last, last.closer != scalar {
                    guard let match = open.lastIndex(where: { $0.closer == scalar }) else {
                        mismatch("Unexpected '\(scalar)': no '\(opener(of: scalar))' is open here", at: token.start)
                        continue
                    }
                    mismatch(
                        "'\(scalar)' closes the '\(opener(of: scalar))' of \(place(open[match].offset)), but "
                            + "'\(scalars[last.offset])' of \(place(last.offset)) is still open", at: token.start)
                    open.removeSubrange(match...)
                } else if open.isEmpty {
                    mismatch("Unexpected '\(scalar)': no '\(opener(of: scalar))' is open here", at: token.start)
                    continue
                } else {
                    open.removeLast()
                }
                if open.isEmpty {
                    return Extent(end: token.end, problems: merged(lexer.problems, problems))
                }
            default: break
            }
        }
        return Extent(end: nil, problems: merged(lexer.problems, problems))
    }

    private static func opener(of closer: Unicode.Scalar) -> Unicode.Scalar {
        closer == ")" ? "(" : closer == "]" ? "[" : "{"
    }

    private static func merged(_ lhs: [CSharpLexProblem], _ rhs: [CSharpLexProblem]) -> [CSharpLexProblem] {
        rhs.isEmpty ? lhs : (lhs + rhs).sorted { $0.offset < $1.offset }
    }
}
