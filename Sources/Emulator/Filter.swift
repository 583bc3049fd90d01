import Foundation
import Model

/// A small OData `$filter` evaluator: `eq ne gt ge lt le`, `startswith`, `endswith`, `contains`,
/// `substringof`, combined with `and` / `or` / `not` and parentheses. String comparison is case-insensitive.
indirect enum FilterExpression: Sendable {
    case compare(field: String, op: String, literal: JSONValue)
    case function(name: String, field: String, literal: String)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)

    /// Parses `text`; throws a 400 ARM error on syntax it does not understand.
    static func parse(_ text: String) throws(ARMError) -> FilterExpression {
        var parser = FilterParser(tokens: try FilterParser.tokenize(text))
        let expression = try parser.orExpression()
        guard parser.atEnd else { throw FilterParser.invalid(text) }
        return expression
    }

    /// Evaluates against a field lookup (`name`, `displayName`, … → value).
    func matches(_ lookup: (String) -> JSONValue?) -> Bool {
        switch self {
        case .and(let lhs, let rhs): return lhs.matches(lookup) && rhs.matches(lookup)
        case .or(let lhs, let rhs): return lhs.matches(lookup) || rhs.matches(lookup)
        case .not(let inner): return !inner.matches(lookup)
        case .function(let name, let field, let literal):
            guard let value = Self.text(lookup(field)) else { return false }
            let lhs = value.lowercased()
            let rhs = literal.lowercased()
            switch name {
            case "startswith": return lhs.hasPrefix(rhs)
            case "endswith": return lhs.hasSuffix(rhs)
            case "contains", "substringof": return lhs.contains(rhs)
            default: return false
            }
        case .compare(let field, let op, let literal):
            let value = lookup(field) ?? .null
            let order: ComparisonResult?
            switch (value, literal) {
            case (.number(let a), .number(let b)):
                order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
            case (.bool(let a), .bool(let b)): order = a == b ? .orderedSame : nil
            case (.null, .null): order = .orderedSame
            default:
                if let a = Self.text(value), let b = Self.text(literal) {
                    order = a.lowercased().compare(b.lowercased())
                } else {
                    order = nil
                }
            }
            switch op {
            case "eq": return order == .orderedSame
            case "ne": return order != .orderedSame
            case "gt": return order == .orderedDescending
            case "ge": return order == .orderedDescending || order == .orderedSame
            case "lt": return order == .orderedAscending
            case "le": return order == .orderedAscending || order == .orderedSame
            default: return false
            }
        }
    }

    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}

private struct FilterParser {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case number(Double)
        case open, close, comma
    }

    /// How deep parentheses and `not` may nest, and how many comparisons and functions a filter may hold. The
    /// parser recurses once per level and the tree is evaluated and freed recursively, so both bound the stack a
    /// request can claim (fuzzing: a few kilobytes of `(` overflowed it); real filters hold a handful.
    static let maximumDepth = 32
    static let maximumClauses = 256

    var tokens: [Token]
    var position = 0
    var depth = 0
    var clauses = 0

    var atEnd: Bool { position >= tokens.count }

    static func invalid(_ text: String) -> ARMError {
        ARMError.badRequest("Invalid filter clause specified: '\(text)'.")
    }

    static func tokenize(_ text: String) throws(ARMError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if c == "(" {
                tokens.append(.open)
                i += 1
            } else if c == ")" {
                tokens.append(.close)
                i += 1
            } else if c == "," {
                tokens.append(.comma)
                i += 1
            } else if c == "'" {
                var value = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" {
                            value.append("'")
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else { throw invalid(text) }
                tokens.append(.string(value))
            } else {
                var word = ""
                while i < chars.count, !chars[i].isWhitespace, !"(),'".contains(chars[i]) {
                    word.append(chars[i])
                    i += 1
                }
                if let number = Double(word) { tokens.append(.number(number)) } else { tokens.append(.word(word)) }
            }
        }
        return tokens
    }

    mutating func next() -> Token? {
        guard position < tokens.count else { return nil }
        defer { position += 1 }
        return tokens[position]
    }

    func peekWord() -> String? {
        guard position < tokens.count, case .word(let word) = tokens[position] else { return nil }
        return word.lowercased()
    }

    mutating func orExpression() throws(ARMError) -> FilterExpression {
        var lhs = try andExpression()
        while peekWord() == "or" {
            position += 1
            lhs = .or(lhs, try andExpression())
        }
        return lhs
    }

    mutating func andExpression() throws(ARMError) -> FilterExpression {
        var lhs = try unary()
        while peekWord() == "and" {
            position += 1
            lhs = .and(lhs, try unary())
        }
        return lhs
    }

    mutating func unary() throws(ARMError) -> FilterExpression {
        if peekWord() == "not" {
            position += 1
            try enter()
            defer { depth -= 1 }
            return .not(try unary())
        }
        return try primary()
    }

    private func failure() -> ARMError { ARMError.badRequest("Invalid filter clause specified.") }

    /// One level deeper (a `(` or a `not`), at most ``maximumDepth``.
    private mutating func enter() throws(ARMError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure() }
    }

    /// One more comparison or function, at most ``maximumClauses``.
    private mutating func countClause() throws(ARMError) {
        clauses += 1
        guard clauses <= Self.maximumClauses else { throw failure() }
    }

    mutating func expect(_ token: Token) throws(ARMError) {
        guard next() == token else { throw failure() }
    }

    mutating func literal() throws(ARMError) -> JSONValue {
        switch next() {
        case .string(let value): return .string(value)
        case .number(let value): return .number(value)
        case .word(let word) where word.lowercased() == "true": return .bool(true)
        case .word(let word) where word.lowercased() == "false": return .bool(false)
        case .word(let word) where word.lowercased() == "null": return .null
        default: throw failure()
        }
    }

    mutating func primary() throws(ARMError) -> FilterExpression {
        guard let token = next() else { throw failure() }
        switch token {
        case .open:
            try enter()
            defer { depth -= 1 }
            let inner = try orExpression()
            try expect(.close)
            return inner
        case .word(let word):
            let lower = word.lowercased()
            try countClause()
            if ["startswith", "endswith", "contains", "substringof"].contains(lower), position < tokens.count,
                tokens[position] == .open
            {
                position += 1
                let first = try argument()
                try expect(.comma)
                let second = try argument()
                try expect(.close)
                // substringof('text', field); the others take (field, 'text').
                if lower == "substringof" {
                    guard case .literal(let text) = first, case .field(let field) = second else { throw failure() }
                    return .function(name: lower, field: field, literal: text)
                }
                guard case .field(let field) = first, case .literal(let text) = second else { throw failure() }
                return .function(name: lower, field: field, literal: text)
            }
            guard let op = peekWord(), ["eq", "ne", "gt", "ge", "lt", "le"].contains(op) else { throw failure() }
            position += 1
            return .compare(field: word, op: op, literal: try literal())
        default:
            throw failure()
        }
    }

    enum Argument {
        case field(String)
        case literal(String)
    }

    mutating func argument() throws(ARMError) -> Argument {
        switch next() {
        case .word(let word): return .field(word)
        case .string(let text): return .literal(text)
        default: throw failure()
        }
    }
}
