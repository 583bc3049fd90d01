import Foundation
import Model

/// Casts (`(string)x`) and the conversions of `GetValueOrDefault<T>` and `Value<T>`, as .NET performs them.
enum Conversions {
    /// `value` as `type`. `explicit` is a cast, which may truncate a double to an int.
    static func convert(_ value: ExpressionValue, to type: String, explicit: Bool) throws -> ExpressionValue {
        let scalar = ExpressionInterpreter.scalar(value)
        let target = type.hasSuffix("?") ? String(type.dropLast()) : type
        func invalid() -> ExpressionError {
            .unplaced(.runtime, "Unable to cast object of type '\(value.typeName)' to type '\(target)'.")
        }
        switch target {
        case "object", "var": return value
        case "string", "String":
            switch scalar {
            case .null, .string: return scalar
            case .json(let json):
                throw ExpressionError.unplaced(
                    .runtime, "Can not convert \(json.objectValue != nil ? "Object" : "Array") to String.")
            default:
                if case .json = value { return .string(scalar.csharpString) }
                throw invalid()
            }
        case "int", "long", "Int32", "Int64", "short", "byte":
            switch scalar {
            case .int: return scalar
            case .double(let number) where explicit || isJSON(value):
                guard number.isFinite, abs(number) < 9.2e18 else { throw invalid() }
                return .int(Int(number))
            case .char(let character) where explicit:
                return .int(Int(character.unicodeScalars.first?.value ?? 0))
            case .string(let text) where isJSON(value):
                guard let number = Int(text) else {
                    throw ExpressionError.unplaced(.runtime, "Could not convert string to integer: \(text).")
                }
                return .int(number)
            default: throw invalid()
            }
        case "double", "float", "decimal":
            guard let number = ExpressionInterpreter.number(scalar) else { throw invalid() }
            return .double(number)
        case "bool", "Boolean":
            guard case .bool = scalar else { throw invalid() }
            return scalar
        case "char":
            guard case .char = scalar else { throw invalid() }
            return scalar
        case "JObject":
            if scalar == .null { return .null }
            guard case .json(.object) = scalar else { throw invalid() }
            return scalar
        case "JArray":
            if scalar == .null { return .null }
            guard case .json(.array) = scalar else { throw invalid() }
            return scalar
        case "JToken", "JValue":
            if case .json = value { return value }
            if scalar == .null { return .null }
            return .json(scalar.asJSON)
        case "DateTime":
            guard case .dateTime = scalar else { throw invalid() }
            return scalar
        case "Guid":
            guard case .guid = scalar else { throw invalid() }
            return scalar
        case "TimeSpan":
            guard case .timeSpan = scalar else { throw invalid() }
            return scalar
        case "string[]":
            guard case .array = scalar else { throw invalid() }
            return scalar
        default:
            throw ExpressionError.unplaced(.unsupported, "the type '\(type)' is not supported by the local gateway")
        }
    }

    private static func isJSON(_ value: ExpressionValue) -> Bool {
        if case .json = value { return true }
        return false
    }

    /// The default of `T` (`GetValueOrDefault<T>` without a default): null for reference types, 0, false.
    static func defaultValue(of type: String) -> ExpressionValue {
        switch type {
        case "int", "long", "Int32", "Int64": .int(0)
        case "double", "float", "decimal": .double(0)
        case "bool", "Boolean": .bool(false)
        default: .null
        }
    }
}
