import Foundation
import Model

/// Evaluates parsed policy expressions: C# semantics for the supported subset (invariant culture, ordinal string
/// comparison, integer division, `unchecked` arithmetic), `context` through an ``ExpressionHost``.
///
/// Recursion follows the tree, whose depth the parser bounds; there are no loops, so every evaluation ends.
struct ExpressionInterpreter {
    let host: any ExpressionHost
    private var locals: [String: ExpressionValue] = [:]

    init(host: any ExpressionHost) {
        self.host = host
    }

    /// The value of `expression`: the expression's, or the block's `return` (null when it returns nothing).
    mutating func evaluate(_ expression: CompiledExpression) throws -> ExpressionValue {
        switch expression {
        case .single(let node): return try value(node)
        case .block(let statements):
            guard let result = try run(statements) else { return .null }
            return result ?? .null
        }
    }

    // MARK: - Statements

    /// Runs statements; the value of a `return`, if one ran.
    private mutating func run(_ statements: [ExpressionStatement]) throws -> ExpressionValue?? {
        for statement in statements {
            switch statement {
            case .declare(let name, let initial, let place):
                guard locals[name] == nil else {
                    throw ExpressionError(
                        .unsupported, "a local variable named '\(name)' is already declared", at: place)
                }
                locals[name] = try initial.map { try value($0) } ?? .null
            case .expression(let node):
                guard case .assign = node else {
                    guard case .invoke = node else {
                        throw ExpressionError(
                            .unsupported, "only assignments and method calls can be used as statements", at: node.place)
                    }
                    _ = try value(node)
                    continue
                }
                try assign(node)
            case .ifElse(let condition, let then, let otherwise):
                if try boolean(condition) {
                    if let result = try run(then) { return result }
                } else if let otherwise, let result = try run(otherwise) {
                    return result
                }
            case .block(let body):
                if let result = try run(body) { return result }
            case .returns(let node, _):
                return .some(try node.map { try value($0) })
            }
        }
        return nil
    }

    private mutating func assign(_ node: ExpressionNode) throws {
        guard case .assign(let target, let operation, let valueNode, let place) = node else { return }
        var newValue = try value(valueNode)
        switch target {
        case .name(let name, let namePlace):
            guard let old = locals[name] else {
                throw ExpressionError(.unsupported, "'\(name)' is not a local variable", at: namePlace)
            }
            if operation != "=" {
                let binary = String(operation.dropLast())
                newValue =
                    binary == "??"
                    ? (old == .null ? newValue : old) : try Self.arithmetic(binary, old, newValue, at: place)
            }
            locals[name] = newValue
        case .index(.name(let name, let namePlace), let keys, _, _) where keys.count == 1:
            guard case .json(var container)? = locals[name] else {
                throw ExpressionError(
                    .unsupported, "only JObject and JArray elements can be assigned in the local gateway",
                    at: namePlace)
            }
            guard operation == "=" else {
                throw ExpressionError(.unsupported, "'\(operation)' on an element is not supported", at: place)
            }
            let key = try value(keys[0])
            switch (container, key) {
            case (.object(var object), .string(let member)):
                object[member] = newValue.asJSON
                container = .object(object)
            case (.array(var items), .int(let position)):
                guard items.indices.contains(position) else {
                    throw ExpressionError(.runtime, "Index was out of range.", at: place)
                }
                items[position] = newValue.asJSON
                container = .array(items)
            default:
                throw ExpressionError(.runtime, "Cannot set \(key.typeName) index on \(container)", at: place)
            }
            locals[name] = .json(container)
        default:
            throw ExpressionError(
                .unsupported, "only local variables and their JSON elements can be assigned", at: target.place)
        }
    }

    // MARK: - Expressions

    private mutating func boolean(_ node: ExpressionNode) throws -> Bool {
        let result = try value(node)
        guard case .bool(let flag) = Self.scalar(result) else {
            throw ExpressionError(.runtime, "a bool is expected here, found \(result.typeName)", at: node.place)
        }
        return flag
    }

    mutating func value(_ node: ExpressionNode) throws -> ExpressionValue {
        do {
            return try evaluateNode(node)
        } catch let error as ExpressionError where error.isUnplaced {
            throw ExpressionError(error.kind, error.message, at: node.place)
        }
    }

    private mutating func evaluateNode(_ node: ExpressionNode) throws -> ExpressionValue {
        switch node {
        case .literal(let literal, _):
            return literal
        case .interpolated(let pieces, _):
            var text = ""
            for piece in pieces {
                switch piece {
                case .text(let literal): text += literal
                case .hole(let inner, let format):
                    let held = try value(inner)
                    text += try format.map { try Self.formatted(held, $0) } ?? held.csharpString
                }
            }
            return .string(text)
        case .name(let name, _):
            if let local = locals[name] { return local }
            if name == "context" { return .host(.context) }
            throw ExpressionError.unplaced(
                .unsupported, "'\(name)' is not a local variable, 'context' or a type the local gateway supports")
        case .member(let target, let name, let nullConditional, _):
            if case .name(let type, _) = target, locals[type] == nil, type != "context" {
                return try StaticMembers.member(type, name, host: host)
            }
            let object = try value(target)
            if object == .null {
                if nullConditional { return .null }
                throw ExpressionError.nullReference
            }
            return try Members.member(of: object, name, host: host)
        case .invoke(let target, let method, let typeArguments, let argumentNodes, let nullConditional, _):
            var arguments: [ExpressionValue] = []
            var named: [String: ExpressionValue] = [:]
            for argument in argumentNodes {
                let argumentValue = try value(argument.value)
                if let name = argument.name { named[name] = argumentValue } else { arguments.append(argumentValue) }
            }
            if case .name(let type, _) = target, locals[type] == nil, type != "context" {
                return try StaticMembers.call(type, method, arguments, host: host)
            }
            if case .member(.name(let type, _), let inner, _, _) = target, locals[type] == nil, type == "Encoding" {
                return try StaticMembers.encoding(inner, method, arguments)
            }
            let object = try value(target)
            if object == .null {
                if nullConditional { return .null }
                throw ExpressionError.nullReference
            }
            return try Members.call(
                object, method, typeArguments: typeArguments, arguments: arguments, named: named, host: host)
        case .index(let target, let keyNodes, let nullConditional, _):
            let object = try value(target)
            if object == .null {
                if nullConditional { return .null }
                throw ExpressionError.nullReference
            }
            let keys = try keyNodes.map { try value($0) }
            return try Members.index(object, keys)
        case .unary(let operation, let operandNode, let place):
            let operand = Self.scalar(try value(operandNode))
            switch (operation, operand) {
            case ("!", .bool(let flag)): return .bool(!flag)
            case ("-", .int(let number)): return .int(0 &- number)
            case ("-", .double(let number)): return .double(-number)
            case ("+", .int), ("+", .double): return operand
            default:
                throw ExpressionError(
                    .unsupported, "operator '\(operation)' cannot be applied to \(operand.typeName)", at: place)
            }
        case .binary(let operation, let leftNode, let rightNode, let place):
            switch operation {
            case "&&": return .bool(try boolean(leftNode) && boolean(rightNode))
            case "||": return .bool(try boolean(leftNode) || boolean(rightNode))
            case "??":
                let left = try value(leftNode)
                return left == .null ? try value(rightNode) : left
            default:
                let left = try value(leftNode)
                let right = try value(rightNode)
                return try Self.binary(operation, left, right, at: place)
            }
        case .conditional(let condition, let then, let otherwise, _):
            return try boolean(condition) ? value(then) : value(otherwise)
        case .cast(let type, let operandNode, _):
            return try Conversions.convert(try value(operandNode), to: type, explicit: true)
        case .newArray(let items, _):
            return .array(try items.map { try value($0) })
        case .newObject(let type, _):
            return .json(type == "JArray" ? .array([]) : .object(JSONObject()))
        case .assign(_, _, _, let place):
            throw ExpressionError(.unsupported, "an assignment cannot be used as a value", at: place)
        }
    }

    // MARK: - Operators

    /// A JSON scalar as its C# value (`JValue` converts implicitly in comparisons and conditions).
    static func scalar(_ value: ExpressionValue) -> ExpressionValue {
        if case .json(let json) = value {
            switch json {
            case .array, .object: return value
            default: return ExpressionValue.from(json: json)
            }
        }
        return value
    }

    static func binary(
        _ operation: String, _ leftValue: ExpressionValue, _ rightValue: ExpressionValue, at place: ExpressionPlace
    ) throws -> ExpressionValue {
        let left = scalar(leftValue)
        let right = scalar(rightValue)
        switch operation {
        case "==": return .bool(try equal(left, right, at: place))
        case "!=": return .bool(!(try equal(left, right, at: place)))
        case "<", ">", "<=", ">=":
            let order: ComparisonResult
            switch (left, right) {
            case (.string, _), (_, .string), (.null, _), (_, .null):
                if left == .null || right == .null { return .bool(false) }
                throw ExpressionError(
                    .unsupported, "operator '\(operation)' cannot compare \(left.typeName) and \(right.typeName)",
                    at: place)
            case (.dateTime(let a), .dateTime(let b)), (.timeSpan(let a), .timeSpan(let b)):
                order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
            case (.char(let a), .char(let b)):
                order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
            default:
                guard let a = number(left), let b = number(right) else {
                    throw ExpressionError(
                        .unsupported, "operator '\(operation)' cannot compare \(left.typeName) and \(right.typeName)",
                        at: place)
                }
                order = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
            }
            switch operation {
            case "<": return .bool(order == .orderedAscending)
            case ">": return .bool(order == .orderedDescending)
            case "<=": return .bool(order != .orderedDescending)
            default: return .bool(order != .orderedAscending)
            }
        case "&", "|", "^":
            switch (left, right) {
            case (.bool(let a), .bool(let b)):
                return .bool(operation == "&" ? a && b : operation == "|" ? a || b : a != b)
            case (.int(let a), .int(let b)):
                return .int(operation == "&" ? a & b : operation == "|" ? a | b : a ^ b)
            default:
                throw ExpressionError(
                    .unsupported, "operator '\(operation)' cannot be applied to \(left.typeName) and \(right.typeName)",
                    at: place)
            }
        default:
            return try arithmetic(operation, leftValue, rightValue, at: place)
        }
    }

    static func arithmetic(
        _ operation: String, _ leftValue: ExpressionValue, _ rightValue: ExpressionValue, at place: ExpressionPlace
    ) throws -> ExpressionValue {
        let left = scalar(leftValue)
        let right = scalar(rightValue)
        if operation == "+" {
            switch (left, right) {
            case (.string, _), (_, .string): return .string(left.csharpString + right.csharpString)
            case (.dateTime(let date), .timeSpan(let span)): return .dateTime(date + span)
            case (.timeSpan(let a), .timeSpan(let b)): return .timeSpan(a + b)
            default: break
            }
        }
        if operation == "-" {
            switch (left, right) {
            case (.dateTime(let a), .dateTime(let b)): return .timeSpan(a - b)
            case (.dateTime(let date), .timeSpan(let span)): return .dateTime(date - span)
            default: break
            }
        }
        switch (left, right) {
        case (.int(let a), .int(let b)):
            switch operation {
            case "+": return .int(a &+ b)
            case "-": return .int(a &- b)
            case "*": return .int(a &* b)
            case "/", "%":
                guard b != 0 else { throw ExpressionError(.runtime, "Attempted to divide by zero.", at: place) }
                return .int(operation == "/" ? a / b : a % b)
            default: break
            }
        default:
            if let a = number(left), let b = number(right) {
                switch operation {
                case "+": return .double(a + b)
                case "-": return .double(a - b)
                case "*": return .double(a * b)
                case "/": return .double(a / b)
                case "%": return .double(a.truncatingRemainder(dividingBy: b))
                default: break
                }
            }
        }
        throw ExpressionError(
            .unsupported, "operator '\(operation)' cannot be applied to \(left.typeName) and \(right.typeName)",
            at: place)
    }

    static func number(_ value: ExpressionValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        case .char(let character): character.unicodeScalars.first.map { Double($0.value) }
        default: nil
        }
    }

    static func equal(_ left: ExpressionValue, _ right: ExpressionValue, at place: ExpressionPlace) throws -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.char(let a), .char(let b)): return a == b
        case (.guid(let a), .guid(let b)): return a == b
        case (.dateTime(let a), .dateTime(let b)), (.timeSpan(let a), .timeSpan(let b)): return a == b
        case (.json(let a), .json(let b)): return a == b
        case (.host(let a), .host(let b)): return a == b
        default:
            if let a = number(left), let b = number(right) { return a == b }
            throw ExpressionError(
                .unsupported, "operator '==' cannot compare \(left.typeName) and \(right.typeName)", at: place)
        }
    }

    /// `{value:format}` in an interpolated string, or `ToString(format)`.
    static func formatted(_ value: ExpressionValue, _ format: String) throws -> String {
        switch scalar(value) {
        case .dateTime(let seconds): return DateText.format(seconds, format)
        case .guid(let text):
            switch format {
            case "N", "n": return text.replacingOccurrences(of: "-", with: "")
            case "D", "d", "": return text
            case "B", "b": return "{\(text)}"
            default: throw ExpressionError.unplaced(.runtime, "Format String can be only \"D\", \"d\", \"N\", \"n\"…")
            }
        case .int(let number):
            if let first = format.first, "DdXx".contains(first) {
                let width = Int(format.dropFirst()) ?? 0
                let digits =
                    "Dd".contains(first) ? String(abs(number)) : String(number, radix: 16, uppercase: first == "X")
                let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
                return (number < 0 && "Dd".contains(first) ? "-" : "") + padded
            }
            if let first = format.first, "FfNn".contains(first) {
                return try formatted(.double(Double(number)), format)
            }
        case .double(let number):
            if let first = format.first, "FfNn".contains(first) {
                let places = Int(format.dropFirst()) ?? 2
                return String(format: "%.\(places)f", number)
            }
        default: break
        }
        throw ExpressionError.unplaced(
            .unsupported, "the format '\(format)' for \(value.typeName) is not supported by the local gateway")
    }
}
