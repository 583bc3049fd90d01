import Foundation
import Model

/// Reads a policy expression (`@(…)` or `@{…}`) into a tree, over the tokens of the shared ``CSharpLexer``.
///
/// It accepts the C# subset the local gateway runs (see the README's "Testing your gateway"); anything else is an
/// ``ExpressionError`` of kind `unsupported` at its line and column. Nesting is bounded by ``maximumDepth``: deeper
/// input is an error, never a deep recursion.
struct ExpressionParser {
    /// How deep the tree may grow: nesting, and also each link of an operator or member chain (`a + b + c`,
    /// `a.b.c`), since the interpreter recurses along those too.
    static let maximumDepth = 128

    /// Types a cast, a generic argument or a declaration may name.
    static let typeNames: Set<String> = [
        "string", "int", "long", "double", "float", "decimal", "bool", "object", "var", "JObject", "JArray", "JToken",
        "JValue", "DateTime", "Guid", "TimeSpan", "byte", "char", "String", "Int32", "Int64", "Boolean",
    ]

    private var tokens: [CSharpToken]
    private var index = 0
    private var depth = 0
    private let end: ExpressionPlace

    private init(tokens: [CSharpToken], end: ExpressionPlace, depth: Int = 0) {
        self.tokens = tokens.filter { !$0.isComment }
        self.end = end
        self.depth = depth
    }

    /// Parses `text`, an expression with its `@(`/`@{` and closing bracket.
    static func parse(_ text: String) throws -> CompiledExpression {
        guard text.hasPrefix("@(") || text.hasPrefix("@{") else {
            throw ExpressionError(.unsupported, "not a policy expression", at: ExpressionPlace(line: 1, column: 1))
        }
        let (tokens, problems) = CSharpLexer.tokenize(" " + text.dropFirst())
        if let problem = problems.first {
            throw ExpressionError(
                .unsupported, problem.message, at: ExpressionPlace(line: problem.line, column: problem.column))
        }
        let last = tokens.last.map { ExpressionPlace(line: $0.line, column: $0.column) }
        var parser = ExpressionParser(tokens: tokens, end: last ?? ExpressionPlace(line: 1, column: 1))
        if text.hasPrefix("@(") {
            try parser.expect("(")
            let node = try parser.expression()
            try parser.expect(")")
            try parser.expectEnd()
            return .single(node)
        }
        try parser.expect("{")
        var statements: [ExpressionStatement] = []
        while !parser.check("}") {
            guard parser.index < parser.tokens.count else { throw parser.failure("'}' expected") }
            statements.append(try parser.statement())
        }
        try parser.expect("}")
        try parser.expectEnd()
        return .block(statements)
    }

    // MARK: - Statements

    private mutating func statement() throws -> ExpressionStatement {
        try enter()
        defer { depth -= 1 }
        let token = try current()
        let place = self.place(token)
        if token.text == "{" {
            index += 1
            var body: [ExpressionStatement] = []
            while !check("}") {
                guard index < tokens.count else { throw failure("'}' expected") }
                body.append(try statement())
            }
            index += 1
            return .block(body)
        }
        if token.kind == .keyword {
            switch token.text {
            case "if":
                index += 1
                try expect("(")
                let condition = try expression()
                try expect(")")
                let then = try statement()
                var otherwise: [ExpressionStatement]?
                if check("else") {
                    index += 1
                    otherwise = [try statement()]
                }
                return .ifElse(condition, [then], otherwise)
            case "return":
                index += 1
                if check(";") {
                    index += 1
                    return .returns(nil, place)
                }
                let value = try expression()
                try expect(";")
                return .returns(value, place)
            case "for", "foreach", "while", "do", "switch", "try", "throw", "goto", "break", "continue", "using",
                "lock":
                throw ExpressionError(
                    .unsupported, "the '\(token.text)' statement is not supported by the local gateway", at: place)
            default: break
            }
        }
        if let name = declarationName() {
            index = name.after
            var value: ExpressionNode?
            if check("=") {
                index += 1
                value = try expression()
            }
            try expect(";")
            return .declare(name.name, value, place)
        }
        var node = try expression()
        if let assignment = peekToken(), ["=", "+=", "-=", "*=", "??="].contains(assignment.text),
            assignment.kind == .punctuator
        {
            index += 1
            let value = try expression()
            node = .assign(node, assignment.text, value, self.place(assignment))
        }
        try expect(";")
        return .expression(node)
    }

    /// A declaration `var x`, `string x`, `JObject x` at the current token: the name and the index after it.
    private func declarationName() -> (name: String, after: Int)? {
        var probe = self
        guard let typeToken = try? probe.current(), Self.typeNames.contains(typeToken.text) else { return nil }
        guard (try? probe.typeName()) != nil, let name = try? probe.current(), name.kind == .identifier else {
            return nil
        }
        probe.index += 1
        guard probe.check("=") || probe.check(";") else { return nil }
        return (name.text, probe.index)
    }

    // MARK: - Expressions

    mutating func expression() throws -> ExpressionNode {
        try enter()
        defer { depth -= 1 }
        if let token = peekToken(), token.text == "=>" {
            throw ExpressionError(.unsupported, "lambdas are not supported by the local gateway", at: place(token))
        }
        let condition = try coalesce()
        if let token = peekToken(), token.text == "?", token.kind == .punctuator {
            index += 1
            let then = try expression()
            try expect(":")
            let otherwise = try expression()
            return .conditional(condition, then, otherwise, place(token))
        }
        return condition
    }

    private mutating func coalesce() throws -> ExpressionNode {
        let left = try binary(level: 0)
        if let token = peekToken(), token.text == "??" {
            index += 1
            try enter()
            defer { depth -= 1 }
            return .binary("??", left, try coalesce(), place(token))
        }
        return left
    }

    /// Binary operators by precedence, loosest first.
    private static let levels: [[String]] = [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"],
    ]

    private mutating func binary(level: Int) throws -> ExpressionNode {
        guard level < Self.levels.count else { return try unary() }
        let entry = depth
        defer { depth = entry }
        var left = try binary(level: level + 1)
        while let token = peekToken(), token.kind == .punctuator || token.kind == .keyword {
            if level == 6, token.kind == .keyword, token.text == "is" || token.text == "as" {
                throw ExpressionError(
                    .unsupported, "the '\(token.text)' operator is not supported by the local gateway",
                    at: place(token))
            }
            guard Self.levels[level].contains(token.text) else { break }
            if token.text == "<", looksLikeGenericArguments() {
                throw ExpressionError(
                    .unsupported, "generic type arguments are supported only on method calls", at: place(token))
            }
            index += 1
            try enter()
            let right = try binary(level: level + 1)
            left = .binary(token.text, left, right, place(token))
        }
        return left
    }

    private mutating func unary() throws -> ExpressionNode {
        try enter()
        defer { depth -= 1 }
        let token = try current()
        if token.kind == .punctuator, ["!", "-", "+"].contains(token.text) {
            index += 1
            return .unary(token.text, try unary(), place(token))
        }
        if token.kind == .punctuator, ["++", "--", "~", "&", "*"].contains(token.text) {
            throw ExpressionError(
                .unsupported, "the '\(token.text)' operator is not supported by the local gateway", at: place(token))
        }
        if token.text == "(", let cast = castType() {
            index = cast.after
            return .cast(cast.type, try unary(), place(token))
        }
        return try postfix(try primary())
    }

    /// `(type)` followed by an operand, at the current `(`.
    private func castType() -> (type: String, after: Int)? {
        var probe = self
        probe.index += 1
        guard let first = try? probe.current(), Self.typeNames.contains(first.text), first.text != "var",
            let type = try? probe.typeName(), probe.check(")")
        else { return nil }
        probe.index += 1
        guard let next = probe.peekToken() else { return nil }
        let operand =
            next.kind == .identifier || next.kind == .stringLiteral || next.kind == .integerLiteral
            || next.kind == .realLiteral || next.kind == .interpolatedStringLiteral
            || next.kind == .verbatimStringLiteral || next.kind == .characterLiteral
            || (next.kind == .keyword && ["true", "false", "null", "new", "this"].contains(next.text))
            || next.text == "(" || (first.kind == .keyword && (next.text == "!" || next.text == "-"))
        return operand ? (type, probe.index) : nil
    }

    private mutating func postfix(_ start: ExpressionNode) throws -> ExpressionNode {
        var node = start
        let entry = depth
        defer { depth = entry }
        while let token = peekToken(), token.kind == .punctuator {
            if [".", "?.", "["].contains(token.text) { try enter() }
            switch token.text {
            case ".", "?.":
                index += 1
                let nameToken = try current()
                guard nameToken.kind == .identifier || nameToken.kind == .keyword else {
                    throw failure("a member name is expected after '\(token.text)'")
                }
                index += 1
                let nullConditional = token.text == "?."
                var typeArguments: [String] = []
                if check("<"), let generic = genericArguments() {
                    typeArguments = generic.types
                    index = generic.after
                }
                if check("(") {
                    let arguments = try argumentList(closing: ")")
                    node = .invoke(
                        target: node, method: nameToken.text, typeArguments: typeArguments, arguments: arguments,
                        nullConditional: nullConditional, place(nameToken))
                } else {
                    node = .member(node, nameToken.text, nullConditional: nullConditional, place(nameToken))
                }
            case "[":
                let arguments = try argumentList(closing: "]")
                node = .index(node, arguments.map(\.value), nullConditional: false, place(token))
            case "(":
                throw ExpressionError(
                    .unsupported, "only methods of objects and types can be called here", at: place(token))
            default:
                return node
            }
        }
        return node
    }

    private mutating func argumentList(closing: String) throws -> [ExpressionArgument] {
        index += 1
        var arguments: [ExpressionArgument] = []
        if check(closing) {
            index += 1
            return arguments
        }
        while true {
            var name: String?
            if let token = peekToken(), token.kind == .identifier, index + 1 < tokens.count,
                tokens[index + 1].text == ":"
            {
                name = token.text
                index += 2
            }
            arguments.append(ExpressionArgument(name: name, value: try expression()))
            if check(",") {
                index += 1
                continue
            }
            try expect(closing)
            return arguments
        }
    }

    private mutating func primary() throws -> ExpressionNode {
        let token = try current()
        let place = self.place(token)
        switch token.kind {
        case .integerLiteral:
            index += 1
            return .literal(try Self.integer(token), place)
        case .realLiteral:
            index += 1
            let digits = token.text.filter { $0 != "_" }.trimmingCharacters(in: ["f", "F", "d", "D", "m", "M"])
            guard let value = Double(digits) else { throw failure("invalid number '\(token.text)'") }
            return .literal(.double(value), place)
        case .stringLiteral:
            index += 1
            return .literal(.string(Self.unescape(String(token.text.dropFirst().dropLast()))), place)
        case .verbatimStringLiteral:
            index += 1
            return .literal(
                .string(String(token.text.dropFirst(2).dropLast()).replacingOccurrences(of: "\"\"", with: "\"")),
                place)
        case .characterLiteral:
            index += 1
            let text = Self.unescape(String(token.text.dropFirst().dropLast()))
            guard let character = text.first, text.count == 1 else { throw failure("invalid character literal") }
            return .literal(.char(character), place)
        case .interpolatedStringLiteral:
            index += 1
            return try interpolated(token)
        case .identifier:
            index += 1
            return .name(token.text, place)
        case .keyword:
            switch token.text {
            case "true", "false":
                index += 1
                return .literal(.bool(token.text == "true"), place)
            case "null":
                index += 1
                return .literal(.null, place)
            case "new":
                index += 1
                return try newExpression(at: place)
            case "string", "int", "long", "double", "bool", "object", "decimal", "char", "byte":
                index += 1
                return .name(token.text, place)
            default:
                throw ExpressionError(
                    .unsupported, "'\(token.text)' is not supported by the local gateway", at: place)
            }
        case .punctuator where token.text == "(":
            index += 1
            let inner = try expression()
            try expect(")")
            return inner
        default:
            throw ExpressionError(.unsupported, "unexpected '\(token.text)'", at: place)
        }
    }

    private mutating func newExpression(at place: ExpressionPlace) throws -> ExpressionNode {
        if check("[") {
            index += 1
            try expect("]")
        } else {
            let type = try typeName()
            if type.hasSuffix("[]") {
                // new string[] { … }
            } else if type == "JObject" || type == "JArray" {
                try expect("(")
                guard check(")") else {
                    throw ExpressionError(
                        .unsupported, "'new \(type)(…)' with arguments is not supported by the local gateway",
                        at: place)
                }
                index += 1
                return .newObject(type, place)
            } else {
                throw ExpressionError(.unsupported, "'new \(type)' is not supported by the local gateway", at: place)
            }
        }
        guard check("{") else { throw failure("'{' expected after 'new[]'") }
        let items = try argumentList(closing: "}")
        return .newArray(items.map(\.value), place)
    }

    private mutating func interpolated(_ token: CSharpToken) throws -> ExpressionNode {
        let verbatim = token.text.hasPrefix("$@") || token.text.hasPrefix("@$")
        var pieces: [InterpolationPiece] = []
        for part in token.interpolation ?? [] {
            switch part {
            case .literal(let text):
                let braces = text.replacingOccurrences(of: "{{", with: "{").replacingOccurrences(of: "}}", with: "}")
                pieces.append(
                    .text(verbatim ? braces.replacingOccurrences(of: "\"\"", with: "\"") : Self.unescape(braces)))
            case .hole(let expression, let alignment, let format):
                guard alignment.isEmpty else {
                    throw ExpressionError(
                        .unsupported, "alignment in interpolation holes is not supported by the local gateway",
                        at: place(token))
                }
                guard !expression.isEmpty else { throw failure("an interpolation hole is empty") }
                var inner = ExpressionParser(tokens: expression, end: place(token), depth: depth + 1)
                let node = try inner.expression()
                if inner.index < inner.tokens.count {
                    throw ExpressionError(
                        .unsupported, "unexpected '\(inner.tokens[inner.index].text)'",
                        at: inner.place(inner.tokens[inner.index]))
                }
                pieces.append(.hole(node, format: format))
            }
        }
        return .interpolated(pieces, place(token))
    }

    // MARK: - Types

    /// A type name at the current token: `string`, `JObject`, `string[]`, `List<string>`.
    private mutating func typeName() throws -> String {
        let token = try current()
        guard token.kind == .identifier || token.kind == .keyword else { throw failure("a type name is expected") }
        index += 1
        var name = token.text
        while check("."), index + 1 < tokens.count, tokens[index + 1].kind == .identifier {
            name += "." + tokens[index + 1].text
            index += 2
        }
        if check("<") {
            guard let generic = genericArguments() else { throw failure("'>' expected") }
            name += "<" + generic.types.joined(separator: ",") + ">"
            index = generic.after
        }
        while check("["), index + 1 < tokens.count, tokens[index + 1].text == "]" {
            name += "[]"
            index += 2
        }
        if check("?"), index + 1 < tokens.count, [")", ">", ","].contains(tokens[index + 1].text) {
            index += 1
        }
        return name
    }

    /// `<T, U>` at the current `<`, when it is followed by `(` (a generic method call).
    private func genericArguments() -> (types: [String], after: Int)? {
        var probe = self
        guard probe.depth < Self.maximumDepth else { return nil }
        probe.depth += 1
        probe.index += 1
        var types: [String] = []
        while true {
            guard let type = try? probe.typeName() else { return nil }
            types.append(type)
            if probe.check(",") {
                probe.index += 1
                continue
            }
            guard probe.check(">") else { return nil }
            probe.index += 1
            return probe.check("(") || probe.check(")") || probe.check(",") || probe.check(">")
                ? (types, probe.index) : nil
        }
    }

    private func looksLikeGenericArguments() -> Bool {
        genericArguments().map { after in
            after.after < tokens.count && tokens[after.after].text == "("
        } ?? false
    }

    // MARK: - Literals

    private static func integer(_ token: CSharpToken) throws -> ExpressionValue {
        var digits = token.text.filter { $0 != "_" }
        while let last = digits.last, "uUlL".contains(last) { digits.removeLast() }
        let value: Int?
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            value = Int(digits.dropFirst(2), radix: 16)
        } else if digits.hasPrefix("0b") || digits.hasPrefix("0B") {
            value = Int(digits.dropFirst(2), radix: 2)
        } else {
            value = Int(digits)
        }
        guard let value else {
            throw ExpressionError(
                .unsupported, "integer literal '\(token.text)' is out of range",
                at: ExpressionPlace(line: token.line, column: token.column))
        }
        return .int(value)
    }

    /// C# escapes of regular string and character literals.
    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\", let escape = scalars.popFirst() else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch escape {
            case "n": out += "\n"
            case "r": out += "\r"
            case "t": out += "\t"
            case "0": out += "\0"
            case "a": out += "\u{7}"
            case "b": out += "\u{8}"
            case "f": out += "\u{C}"
            case "v": out += "\u{B}"
            case "u", "x", "U":
                let width = escape == "U" ? 8 : 4
                var hex = ""
                while hex.count < width, let next = scalars.first, next.properties.isASCIIHexDigit {
                    hex.unicodeScalars.append(next)
                    scalars.removeFirst()
                }
                if let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) {
                    out.unicodeScalars.append(decoded)
                }
            default: out.unicodeScalars.append(escape)
            }
        }
        return out
    }

    // MARK: - Tokens

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth {
            throw failure("the expression nests more than \(Self.maximumDepth) levels deep")
        }
    }

    private func peekToken() -> CSharpToken? {
        index < tokens.count ? tokens[index] : nil
    }

    private func current() throws -> CSharpToken {
        guard let token = peekToken() else {
            throw ExpressionError(.unsupported, "unexpected end of the expression", at: end)
        }
        return token
    }

    private func check(_ text: String) -> Bool {
        index < tokens.count && tokens[index].text == text
            && (tokens[index].kind == .punctuator || tokens[index].kind == .keyword)
    }

    private mutating func expect(_ text: String) throws {
        guard check(text) else {
            if index < tokens.count, tokens[index].text == "=>" {
                throw ExpressionError(
                    .unsupported, "lambdas are not supported by the local gateway", at: place(tokens[index]))
            }
            if index < tokens.count, ["++", "--"].contains(tokens[index].text) {
                throw ExpressionError(
                    .unsupported, "the '\(tokens[index].text)' operator is not supported by the local gateway",
                    at: place(tokens[index]))
            }
            if index < tokens.count {
                throw ExpressionError(
                    .unsupported, "'\(text)' expected, found '\(tokens[index].text)'", at: place(tokens[index]))
            }
            throw ExpressionError(.unsupported, "'\(text)' expected at the end of the expression", at: end)
        }
        index += 1
    }

    private func expectEnd() throws {
        if index < tokens.count {
            throw ExpressionError(
                .unsupported, "unexpected '\(tokens[index].text)' after the expression", at: place(tokens[index]))
        }
    }

    private func place(_ token: CSharpToken) -> ExpressionPlace {
        ExpressionPlace(line: token.line, column: token.column)
    }

    private func failure(_ message: String) -> ExpressionError {
        let at = index < tokens.count ? place(tokens[index]) : end
        return ExpressionError(.unsupported, message, at: at)
    }
}
