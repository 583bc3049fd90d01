import Foundation
import Model

/// A run-time value of a policy expression: the C# values the supported subset produces.
public enum ExpressionValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case char(Character)
    /// `string[]`, `object[]` (`Split`, `new[] { … }`).
    case array([ExpressionValue])
    /// A Json.NET token (`JObject`, `JArray`, `JValue`).
    case json(JSONValue)
    /// `byte[]`.
    case bytes([UInt8])
    /// A `Guid`, as its lowercase "D" text.
    case guid(String)
    /// A `DateTime` in UTC, as seconds since 1970-01-01.
    case dateTime(Double)
    /// A `TimeSpan`, in seconds.
    case timeSpan(Double)
    /// A read-only dictionary (headers, query, matched parameters, variables).
    case dictionary(ExpressionDictionary)
    /// A part of `context`, resolved by the gateway.
    case host(ContextObject)

    /// The C# type name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .char: "char"
        case .array: "array"
        case .json(let value):
            switch value {
            case .object: "JObject"
            case .array: "JArray"
            default: "JValue"
            }
        case .bytes: "byte[]"
        case .guid: "Guid"
        case .dateTime: "DateTime"
        case .timeSpan: "TimeSpan"
        case .dictionary: "IReadOnlyDictionary"
        case .host(let object): object.typeName
        }
    }

    /// `ToString()` as .NET writes it (invariant culture): `True`, `1.5`, a Guid in "D" form, a JToken indented.
    public var csharpString: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .double(let value): Self.format(value)
        case .string(let value): value
        case .char(let value): String(value)
        case .array: "System.String[]"
        case .json(let value): JSONText.write(value)
        case .bytes: "System.Byte[]"
        case .guid(let value): value
        case .dateTime(let seconds): DateText.format(seconds, "G")
        case .timeSpan(let seconds): DateText.timeSpan(seconds)
        case .dictionary: "System.Collections.Generic.Dictionary"
        case .host(let object): object.typeName
        }
    }

    /// A double as .NET's shortest round-trip text (`2` for 2.0, `0.1`, `1E+20`).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-∞" : "∞" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)".replacingOccurrences(of: "e+", with: "E+").replacingOccurrences(of: "e-", with: "E-")
    }

    /// The value of a JSON token as a C# value (`(string)token`, `Value<int>()`).
    static func from(json: JSONValue) -> ExpressionValue {
        switch json {
        case .null: .null
        case .bool(let value): .bool(value)
        case .string(let value): .string(value)
        case .number(let value): value == value.rounded() && abs(value) < 9e15 ? .int(Int(value)) : .double(value)
        case .array, .object: .json(json)
        }
    }

    /// The value as a JSON token (`body["x"] = value`).
    var asJSON: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .number(Double(value))
        case .double(let value): .number(value)
        case .json(let value): value
        case .array(let values): .array(values.map(\.asJSON))
        default: .string(csharpString)
        }
    }
}

/// A read-only dictionary as policy expressions see it.
public struct ExpressionDictionary: Sendable, Hashable {
    /// How `GetValueOrDefault` and the indexer behave.
    public enum Kind: Sendable, Hashable {
        /// `IReadOnlyDictionary<string, string[]>` of headers or query parameters: the indexer gives `string[]`,
        /// `GetValueOrDefault(name, default)` the values joined with `,`. Names compare without case for headers.
        case multiValued(caseInsensitive: Bool)
        /// `IReadOnlyDictionary<string, string>` (matched parameters) or `<string, object>` (variables).
        case plain
    }
    public var kind: Kind
    public var entries: [(key: String, value: ExpressionValue)]

    public init(kind: Kind, entries: [(key: String, value: ExpressionValue)]) {
        self.kind = kind
        self.entries = entries
    }

    public func lookup(_ key: String) -> ExpressionValue? {
        if case .multiValued(true) = kind {
            return entries.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
        }
        return entries.first { $0.key == key }?.value
    }

    public static func == (lhs: ExpressionDictionary, rhs: ExpressionDictionary) -> Bool {
        lhs.kind == rhs.kind && lhs.entries.map(\.key) == rhs.entries.map(\.key)
            && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}

/// The parts of `context` an expression can reach; the gateway answers their members.
public enum ContextObject: Sendable, Hashable {
    case context
    case request
    case originalRequest
    case response
    case url(original: Bool)
    case body(response: Bool)
    case subscription
    case product
    case api
    case operation
    case user
    case deployment
    case lastError

    var typeName: String {
        switch self {
        case .context: "IProxyRequestContext"
        case .request, .originalRequest: "IRequest"
        case .response: "IResponse"
        case .url: "IUrl"
        case .body: "IMessageBody"
        case .subscription: "ISubscription"
        case .product: "IProduct"
        case .api: "IApi"
        case .operation: "IOperation"
        case .user: "IUser"
        case .deployment: "IDeployment"
        case .lastError: "ILastError"
        }
    }
}
