import Foundation
import Model

/// Members and methods of values: strings, arrays, JSON tokens, dictionaries, dates; `context` goes to the host.
enum Members {
    static func member(of object: ExpressionValue, _ name: String, host: any ExpressionHost) throws -> ExpressionValue {
        switch (ExpressionInterpreter.scalar(object), name) {
        case (.string(let text), "Length"): return .int(text.utf16.count)
        case (.array(let items), "Length"): return .int(items.count)
        case (.bytes(let bytes), "Length"): return .int(bytes.count)
        case (.dictionary(let dictionary), "Count"): return .int(dictionary.entries.count)
        case (.dictionary(let dictionary), "Keys"): return .array(dictionary.entries.map { .string($0.key) })
        case (.json(.object(let members)), "Count"): return .int(members.keys.count)
        case (.json(.array(let items)), "Count"): return .int(items.count)
        case (.timeSpan(let seconds), "TotalMilliseconds"): return .double(seconds * 1000)
        case (.timeSpan(let seconds), "TotalSeconds"): return .double(seconds)
        case (.timeSpan(let seconds), "TotalMinutes"): return .double(seconds / 60)
        case (.timeSpan(let seconds), "Milliseconds"): return .int(Int((seconds * 1000).rounded(.down)) % 1000)
        case (.timeSpan(let seconds), "Seconds"): return .int(Int(seconds) % 60)
        case (.dateTime(let seconds), let part)
        where ["Year", "Month", "Day", "Hour", "Minute", "Second"].contains(part):
            let text = DateText.format(seconds, "yyyy MM dd HH mm ss").split(separator: " ")
            let position = ["Year", "Month", "Day", "Hour", "Minute", "Second"].firstIndex(of: part) ?? 0
            return .int(Int(text[position]) ?? 0)
        case (.dateTime(let seconds), "Ticks"): return .int(Int((seconds + 62_135_596_800) * 10_000_000))
        case (.host(let part), _): return try host.member(part, name)
        default:
            throw ExpressionError.unplaced(
                .unsupported, "'\(object.typeName).\(name)' is not supported by the local gateway")
        }
    }

    static func index(_ object: ExpressionValue, _ keys: [ExpressionValue]) throws -> ExpressionValue {
        guard keys.count == 1 else {
            throw ExpressionError.unplaced(.unsupported, "indexers take one argument in the local gateway")
        }
        let key = ExpressionInterpreter.scalar(keys[0])
        switch (object, key) {
        case (.json(.object(let members)), .string(let name)): return members[name].map { .json($0) } ?? .null
        case (.json(.array(let items)), .int(let position)):
            guard items.indices.contains(position) else {
                throw ExpressionError.unplaced(
                    .runtime, "Index was out of range. Must be non-negative and less than the size of the collection.")
            }
            return .json(items[position])
        case (.array(let items), .int(let position)):
            guard items.indices.contains(position) else {
                throw ExpressionError.unplaced(.runtime, "Index was outside the bounds of the array.")
            }
            return items[position]
        case (.string(let text), .int(let position)):
            let units = Array(text.utf16)
            guard units.indices.contains(position), let scalar = Unicode.Scalar(units[position]) else {
                throw ExpressionError.unplaced(.runtime, "Index was outside the bounds of the array.")
            }
            return .char(Character(scalar))
        case (.dictionary(let dictionary), .string(let name)):
            guard let value = dictionary.lookup(name) else {
                throw ExpressionError.unplaced(.runtime, "The given key '\(name)' was not present in the dictionary.")
            }
            return value
        default:
            throw ExpressionError.unplaced(
                .unsupported, "indexing \(object.typeName) with \(key.typeName) is not supported by the local gateway")
        }
    }

    static func call(
        _ object: ExpressionValue, _ method: String, typeArguments: [String], arguments: [ExpressionValue],
        named: [String: ExpressionValue], host: any ExpressionHost
    ) throws -> ExpressionValue {
        if case .host(let part) = object {
            return try host.call(part, method, typeArguments: typeArguments, arguments: arguments, named: named)
        }
        if case .json(let json) = object, ["Value", "ToObject"].contains(method) {
            return try self.json(json, method, typeArguments, arguments)
        }
        let value = ExpressionInterpreter.scalar(object)
        if method == "ToString" {
            if let format = arguments.first {
                guard case .string(let text) = format else { throw wrongArguments(object, method) }
                return .string(try ExpressionInterpreter.formatted(value, text))
            }
            return .string(object.csharpString)
        }
        if method == "Equals", arguments.count == 1 {
            return .bool(
                try ExpressionInterpreter.equal(
                    value, ExpressionInterpreter.scalar(arguments[0]), at: ExpressionPlace(line: 0, column: 0)))
        }
        switch value {
        case .string(let text): return try string(text, method, arguments)
        case .array(let items):
            switch (method, arguments.count) {
            case ("Contains", 1):
                return .bool(
                    items.contains {
                        (try? ExpressionInterpreter.equal($0, arguments[0], at: .init(line: 0, column: 0))) == true
                    })
            case ("Count", 0): return .int(items.count)
            case ("First", 0), ("Last", 0):
                guard let item = method == "First" ? items.first : items.last else {
                    throw ExpressionError.unplaced(.runtime, "Sequence contains no elements")
                }
                return item
            case ("FirstOrDefault", 0): return items.first ?? .null
            case ("LastOrDefault", 0): return items.last ?? .null
            default: break
            }
        case .dictionary(let dictionary):
            return try self.dictionary(dictionary, method, typeArguments, arguments)
        case .json(let json):
            return try self.json(json, method, typeArguments, arguments)
        case .dateTime(let seconds):
            let units: [String: Double] = [
                "AddSeconds": 1, "AddMinutes": 60, "AddHours": 3600, "AddDays": 86_400, "AddMilliseconds": 0.001,
            ]
            if let unit = units[method], arguments.count == 1, let amount = ExpressionInterpreter.number(arguments[0]) {
                return .dateTime(seconds + amount * unit)
            }
        default: break
        }
        throw ExpressionError.unplaced(
            .unsupported, "'\(object.typeName).\(method)(…)' is not supported by the local gateway")
    }

    private static func wrongArguments(_ object: ExpressionValue, _ method: String) -> ExpressionError {
        .unplaced(
            .unsupported, "'\(object.typeName).\(method)' with these arguments is not supported by the local gateway")
    }

    private static func text(_ value: ExpressionValue) -> String? {
        switch ExpressionInterpreter.scalar(value) {
        case .string(let text): text
        case .char(let character): String(character)
        default: nil
        }
    }

    /// Whether `StringComparison.*IgnoreCase` was passed.
    private static func ignoresCase(_ arguments: ArraySlice<ExpressionValue>) -> Bool {
        arguments.contains { text($0)?.hasSuffix("IgnoreCase") == true }
    }

    private static func string(
        _ text: String, _ method: String, _ arguments: [ExpressionValue]
    ) throws -> ExpressionValue {
        let first = arguments.first.flatMap(Self.text)
        let caseless = ignoresCase(arguments.dropFirst())
        func compare(_ body: (String, String) -> Bool) throws -> ExpressionValue {
            guard let first else {
                if arguments.first == .null {
                    throw ExpressionError.unplaced(.runtime, "Value cannot be null. (Parameter 'value')")
                }
                throw wrongArguments(.string(text), method)
            }
            return .bool(caseless ? body(text.lowercased(), first.lowercased()) : body(text, first))
        }
        switch (method, arguments.count) {
        case ("Contains", 1...2): return try compare { $0.contains($1) || $1.isEmpty }
        case ("StartsWith", 1...2): return try compare { $0.hasPrefix($1) }
        case ("EndsWith", 1...2): return try compare { $0.hasSuffix($1) }
        case ("Equals", 2): return try compare { $0 == $1 }
        case ("ToLower", 0), ("ToLowerInvariant", 0): return .string(text.lowercased())
        case ("ToUpper", 0), ("ToUpperInvariant", 0): return .string(text.uppercased())
        case ("Trim", 0): return .string(text.trimmingCharacters(in: .whitespacesAndNewlines))
        case ("TrimStart", 0): return .string(String(text.drop { $0.isWhitespace }))
        case ("TrimEnd", 0): return .string(String(text.reversed().drop { $0.isWhitespace }.reversed()))
        case ("Trim", _), ("TrimStart", _), ("TrimEnd", _):
            let set = Set(arguments.compactMap(Self.text).joined())
            var characters = Substring(text)
            if method != "TrimEnd" { characters = characters.drop { set.contains($0) } }
            if method != "TrimStart" {
                while let last = characters.last, set.contains(last) { characters = characters.dropLast() }
            }
            return .string(String(characters))
        case ("Split", 1...):
            var separators: [String] = []
            for argument in arguments {
                if case .array(let items) = argument {
                    separators += items.compactMap(Self.text)
                } else if let separator = Self.text(argument) {
                    separators.append(separator)
                }
            }
            separators = separators.filter { !$0.isEmpty }
            guard !separators.isEmpty else { return .array([.string(text)]) }
            var parts: [String] = []
            var rest = Substring(text)
            while let range = separators.compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
                parts.append(String(rest[..<range.lowerBound]))
                rest = rest[range.upperBound...]
            }
            parts.append(String(rest))
            return .array(parts.map { .string($0) })
        case ("Substring", 1...2):
            let units = Array(text.utf16)
            guard case .int(let start) = ExpressionInterpreter.scalar(arguments[0]) else {
                throw wrongArguments(.string(text), method)
            }
            var length = units.count - start
            if arguments.count == 2 {
                guard case .int(let given) = ExpressionInterpreter.scalar(arguments[1]) else {
                    throw wrongArguments(.string(text), method)
                }
                length = given
            }
            guard start >= 0, start <= units.count, length >= 0, start + length <= units.count else {
                throw ExpressionError.unplaced(
                    .runtime, "Index and length must refer to a location within the string. (Parameter 'length')")
            }
            return .string(String(decoding: units[start..<(start + length)], as: UTF16.self))
        case ("Replace", 2):
            guard let old = Self.text(arguments[0]), !old.isEmpty else {
                throw ExpressionError.unplaced(.runtime, "The value cannot be an empty string. (Parameter 'oldValue')")
            }
            return .string(text.replacingOccurrences(of: old, with: Self.text(arguments[1]) ?? ""))
        case ("IndexOf", 1...2), ("LastIndexOf", 1...2):
            guard let first else { throw wrongArguments(.string(text), method) }
            let haystack = caseless ? text.lowercased() : text
            let needle = caseless ? first.lowercased() : first
            let range =
                method == "IndexOf" ? haystack.range(of: needle) : haystack.range(of: needle, options: .backwards)
            return .int(range.map { haystack.utf16.distance(from: haystack.startIndex, to: $0.lowerBound) } ?? -1)
        default:
            throw ExpressionError.unplaced(.unsupported, "'string.\(method)(…)' is not supported by the local gateway")
        }
    }

    private static func dictionary(
        _ dictionary: ExpressionDictionary, _ method: String, _ typeArguments: [String], _ arguments: [ExpressionValue]
    ) throws -> ExpressionValue {
        guard let key = arguments.first.flatMap(Self.text) else {
            throw ExpressionError.unplaced(.unsupported, "'\(method)' needs a string key")
        }
        switch (method, arguments.count) {
        case ("ContainsKey", 1): return .bool(dictionary.lookup(key) != nil)
        case ("GetValueOrDefault", 1...2):
            let fallback = arguments.count == 2 ? arguments[1] : Conversions.defaultValue(of: typeArguments.first ?? "")
            guard var found = dictionary.lookup(key) else { return fallback }
            if case .multiValued = dictionary.kind, case .array(let values) = found {
                found = .string(values.map(\.csharpString).joined(separator: ","))
            }
            guard let type = typeArguments.first else { return found }
            return try Conversions.convert(found, to: type, explicit: false)
        default:
            throw ExpressionError.unplaced(
                .unsupported, "'IReadOnlyDictionary.\(method)(…)' is not supported by the local gateway")
        }
    }

    private static func json(
        _ json: JSONValue, _ method: String, _ typeArguments: [String], _ arguments: [ExpressionValue]
    ) throws -> ExpressionValue {
        switch (method, arguments.count) {
        case ("Value", 0...1):
            var token = json
            if let key = arguments.first {
                token = try index(.json(json), [key]).asJSON
            }
            return try Conversions.convert(.json(token), to: typeArguments.first ?? "object", explicit: false)
        case ("ContainsKey", 1):
            guard case .object(let members) = json, let key = arguments.first.flatMap(Self.text) else { break }
            return .bool(members[key] != nil)
        case ("ToObject", 0):
            return try Conversions.convert(.json(json), to: typeArguments.first ?? "object", explicit: false)
        default: break
        }
        throw ExpressionError.unplaced(
            .unsupported, "'\(ExpressionValue.json(json).typeName).\(method)(…)' is not supported by the local gateway")
    }
}
