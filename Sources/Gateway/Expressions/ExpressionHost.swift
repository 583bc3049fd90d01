import Foundation

/// What an expression reads from outside itself: the members of `context`, the clock and new Guids.
///
/// The gateway implements it over the request being processed. Errors it throws are ``ExpressionError``s; the
/// interpreter places them at the member or call that raised them.
protocol ExpressionHost: AnyObject {
    /// `object.name` for a part of `context`.
    func member(_ object: ContextObject, _ name: String) throws -> ExpressionValue
    /// `object.method<typeArguments>(arguments)` for a part of `context`; `named` holds named arguments.
    func call(
        _ object: ContextObject, _ method: String, typeArguments: [String], arguments: [ExpressionValue],
        named: [String: ExpressionValue]
    ) throws -> ExpressionValue
    /// `DateTime.UtcNow`, in seconds since 1970 (an injected clock).
    var now: Double { get }
    /// `Guid.NewGuid()` (seeded, so runs repeat).
    func newGuid() -> String
}

extension ExpressionError {
    /// An error raised away from the expression's tree, placed later by the interpreter.
    static func unplaced(_ kind: Kind, _ message: String) -> ExpressionError {
        ExpressionError(kind, message, at: ExpressionPlace(line: 0, column: 0))
    }

    var isUnplaced: Bool { place.line == 0 }

    /// `NullReferenceException`'s message.
    static var nullReference: ExpressionError {
        .unplaced(.runtime, "Object reference not set to an instance of an object.")
    }
}
