import Foundation

/// A place in an expression's text: 1-based line and column, counted from the `@` that starts it.
public struct ExpressionPlace: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// An expression of the supported C# subset, as the parser builds it.
indirect enum ExpressionNode: Sendable {
    case literal(ExpressionValue, ExpressionPlace)
    case interpolated([InterpolationPiece], ExpressionPlace)
    /// A local variable, `context`, or a type used for a static member (`DateTime`, `int`).
    case name(String, ExpressionPlace)
    case member(ExpressionNode, String, nullConditional: Bool, ExpressionPlace)
    case invoke(
        target: ExpressionNode, method: String, typeArguments: [String], arguments: [ExpressionArgument],
        nullConditional: Bool, ExpressionPlace)
    case index(ExpressionNode, [ExpressionNode], nullConditional: Bool, ExpressionPlace)
    case unary(String, ExpressionNode, ExpressionPlace)
    case binary(String, ExpressionNode, ExpressionNode, ExpressionPlace)
    case conditional(ExpressionNode, ExpressionNode, ExpressionNode, ExpressionPlace)
    case cast(String, ExpressionNode, ExpressionPlace)
    /// `new[] { … }` or `new string[] { … }`.
    case newArray([ExpressionNode], ExpressionPlace)
    /// `new JObject()`, `new JArray()`.
    case newObject(String, ExpressionPlace)
    /// `target = value`, `target += value` (statements only).
    case assign(ExpressionNode, String, ExpressionNode, ExpressionPlace)

    var place: ExpressionPlace {
        switch self {
        case .literal(_, let place), .interpolated(_, let place), .name(_, let place), .member(_, _, _, let place),
            .invoke(_, _, _, _, _, let place), .index(_, _, _, let place), .unary(_, _, let place),
            .binary(_, _, _, let place), .conditional(_, _, _, let place), .cast(_, _, let place),
            .newArray(_, let place), .newObject(_, let place), .assign(_, _, _, let place):
            place
        }
    }
}

/// An argument, positional or named (`preserveContent: true`).
struct ExpressionArgument: Sendable {
    var name: String?
    var value: ExpressionNode
}

/// A piece of an interpolated string.
enum InterpolationPiece: Sendable {
    case text(String)
    case hole(ExpressionNode, format: String?)
}

/// A statement of a multi-statement block `@{ … }`.
indirect enum ExpressionStatement: Sendable {
    case declare(String, ExpressionNode?, ExpressionPlace)
    case expression(ExpressionNode)
    case ifElse(ExpressionNode, [ExpressionStatement], [ExpressionStatement]?)
    case block([ExpressionStatement])
    case returns(ExpressionNode?, ExpressionPlace)
}

/// A parsed policy expression: a single expression `@(…)` or a block `@{…}`.
enum CompiledExpression: Sendable {
    case single(ExpressionNode)
    case block([ExpressionStatement])
}

/// Why an expression could not be read or evaluated.
public struct ExpressionError: Error, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Outside the C# subset the local gateway runs (or not C# at all).
        case unsupported
        /// A run-time failure APIM has too (`int.Parse("x")`, a null dereference), raised as a policy error.
        case runtime
    }
    public var kind: Kind
    public var message: String
    public var place: ExpressionPlace

    init(_ kind: Kind, _ message: String, at place: ExpressionPlace) {
        self.kind = kind
        self.message = message
        self.place = place
    }
}
