import Foundation
import Model

/// Static members of .NET types policy expressions use: `DateTime.UtcNow`, `Guid.NewGuid()`, `int.Parse`,
/// `Convert.ToBase64String`, `Encoding.UTF8.GetBytes`, `string.IsNullOrEmpty`, `JObject.Parse`, `Math.*`.
enum StaticMembers {
    static func member(_ type: String, _ name: String, host: any ExpressionHost) throws -> ExpressionValue {
        switch (type, name) {
        case ("DateTime", "UtcNow"), ("DateTime", "Now"): return .dateTime(host.now)
        case ("DateTime", "MinValue"): return .dateTime(-62_135_596_800)
        case ("string", "Empty"), ("String", "Empty"): return .string("")
        case ("StringComparison", _): return .string(name)
        case ("int", "MaxValue"), ("Int32", "MaxValue"): return .int(Int(Int32.max))
        case ("int", "MinValue"), ("Int32", "MinValue"): return .int(Int(Int32.min))
        default:
            throw ExpressionError.unplaced(.unsupported, "'\(type).\(name)' is not supported by the local gateway")
        }
    }

    static func call(
        _ type: String, _ method: String, _ arguments: [ExpressionValue], host: any ExpressionHost
    ) throws -> ExpressionValue {
        let values = arguments.map(ExpressionInterpreter.scalar)
        func text(_ position: Int) throws -> String {
            guard values.indices.contains(position) else { throw unsupported(type, method) }
            switch values[position] {
            case .string(let value): return value
            case .null: throw ExpressionError.unplaced(.runtime, "Value cannot be null. (Parameter 's')")
            default: throw unsupported(type, method)
            }
        }
        switch (type, method, values.count) {
        case ("Guid", "NewGuid", 0): return .guid(host.newGuid())
        case ("int", "Parse", 1), ("Int32", "Parse", 1), ("long", "Parse", 1), ("Int64", "Parse", 1):
            let source = try text(0).trimmingCharacters(in: .whitespaces)
            guard let number = Int(source), type.hasPrefix("l") || type == "Int64" || Int32(exactly: number) != nil
            else {
                throw ExpressionError.unplaced(
                    .runtime, "The input string '\(source)' was not in a correct format.")
            }
            return .int(number)
        case ("double", "Parse", 1):
            guard let number = Double(try text(0).trimmingCharacters(in: .whitespaces)) else {
                throw ExpressionError.unplaced(.runtime, "The input string was not in a correct format.")
            }
            return .double(number)
        case ("bool", "Parse", 1):
            switch try text(0).trimmingCharacters(in: .whitespaces).lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw ExpressionError.unplaced(.runtime, "String was not recognized as a valid Boolean.")
            }
        case ("Convert", "ToBase64String", 1):
            guard case .bytes(let bytes) = values[0] else { throw unsupported(type, method) }
            return .string(Data(bytes).base64EncodedString())
        case ("Convert", "FromBase64String", 1):
            guard let data = Data(base64Encoded: try text(0)) else {
                throw ExpressionError.unplaced(.runtime, "The input is not a valid Base-64 string.")
            }
            return .bytes(Array(data))
        case ("Convert", "ToInt32", 1):
            if case .string(let source) = values[0] {
                return try call("int", "Parse", [.string(source)], host: host)
            }
            return try Conversions.convert(values[0], to: "int", explicit: true)
        case ("Convert", "ToString", 1): return .string(values[0].csharpString)
        case ("string", "IsNullOrEmpty", 1), ("String", "IsNullOrEmpty", 1):
            if case .string(let value) = values[0] { return .bool(value.isEmpty) }
            return .bool(values[0] == .null)
        case ("string", "IsNullOrWhiteSpace", 1), ("String", "IsNullOrWhiteSpace", 1):
            if case .string(let value) = values[0] { return .bool(value.allSatisfy(\.isWhitespace)) }
            return .bool(values[0] == .null)
        case ("string", "Join", 2), ("String", "Join", 2):
            guard case .array(let items) = values[1] else { throw unsupported(type, method) }
            return .string(items.map(\.csharpString).joined(separator: values[0].csharpString))
        case ("string", "Concat", _), ("String", "Concat", _):
            return .string(values.map(\.csharpString).joined())
        case ("JObject", "Parse", 1), ("JArray", "Parse", 1), ("JToken", "Parse", 1):
            let source = try text(0)
            guard let json = try? JSONValue.parse(source) else {
                throw ExpressionError.unplaced(.runtime, "Error reading \(type) from JsonReader.")
            }
            switch (type, json) {
            case ("JObject", .object), ("JArray", .array), ("JToken", _): return .json(json)
            default: throw ExpressionError.unplaced(.runtime, "Error reading \(type) from JsonReader.")
            }
        case ("Math", "Min", 2), ("Math", "Max", 2):
            guard let a = ExpressionInterpreter.number(values[0]), let b = ExpressionInterpreter.number(values[1])
            else {
                throw unsupported(type, method)
            }
            let pick = method == "Min" ? min(a, b) : max(a, b)
            if case .int = values[0], case .int = values[1] { return .int(Int(pick)) }
            return .double(pick)
        case ("Math", "Abs", 1):
            if case .int(let number) = values[0] { return .int(abs(number)) }
            guard let number = ExpressionInterpreter.number(values[0]) else { throw unsupported(type, method) }
            return .double(abs(number))
        case ("Math", "Ceiling", 1), ("Math", "Floor", 1), ("Math", "Round", 1):
            guard let number = ExpressionInterpreter.number(values[0]) else { throw unsupported(type, method) }
            let rule: FloatingPointRoundingRule =
                method == "Ceiling" ? .up : method == "Floor" ? .down : .toNearestOrEven
            return .double(number.rounded(rule))
        case ("TimeSpan", "FromSeconds", 1), ("TimeSpan", "FromMinutes", 1), ("TimeSpan", "FromMilliseconds", 1):
            guard let number = ExpressionInterpreter.number(values[0]) else { throw unsupported(type, method) }
            let unit = method == "FromMinutes" ? 60.0 : method == "FromSeconds" ? 1 : 0.001
            return .timeSpan(number * unit)
        default:
            throw unsupported(type, method)
        }
    }

    /// `Encoding.UTF8.GetBytes(s)` and `Encoding.UTF8.GetString(bytes)` (also `ASCII`, `Unicode` is not supported).
    static func encoding(_ encoding: String, _ method: String, _ arguments: [ExpressionValue]) throws -> ExpressionValue
    {
        guard encoding == "UTF8" || encoding == "ASCII", arguments.count == 1 else {
            throw unsupported("Encoding.\(encoding)", method)
        }
        switch (method, ExpressionInterpreter.scalar(arguments[0])) {
        case ("GetBytes", .string(let text)):
            return .bytes(
                encoding == "ASCII" ? text.unicodeScalars.map { $0.isASCII ? UInt8($0.value) : 63 } : Array(text.utf8))
        case ("GetString", .bytes(let bytes)):
            return .string(String(decoding: bytes, as: UTF8.self))
        case (_, .null):
            throw ExpressionError.unplaced(.runtime, "Value cannot be null.")
        default:
            throw unsupported("Encoding.\(encoding)", method)
        }
    }

    private static func unsupported(_ type: String, _ method: String) -> ExpressionError {
        .unplaced(.unsupported, "'\(type).\(method)(…)' with these arguments is not supported by the local gateway")
    }
}
