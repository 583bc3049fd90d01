import Foundation
import Logging
import Model

/// swift-log lines as one JSON object each, for log collectors (`--log-format json`): time, level, logger,
/// message and the metadata as fields; numbers and booleans logged as such (`.stringConvertible`) are written as
/// JSON numbers and booleans, everything else as strings.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var object = JSONObject()
        object["time"] = .string(Date.now.armTimestamp)
        object["level"] = .string(event.level.rawValue)
        object["logger"] = .string(label)
        object["message"] = .string("\(event.message)")
        for key in fields.keys.sorted() where object[key] == nil {
            if let value = fields[key] { object[key] = Self.json(value) }
        }
        FileHandle.standardError.write(Data((JSONValue.object(object).serialized() + "\n").utf8))
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let flag as Bool: .bool(flag)
            case let integer as any BinaryInteger: .number(Double(integer))
            case let number as any BinaryFloatingPoint: number.isFinite ? .number(Double(number)) : .string("\(number)")
            default: .string(convertible.description)
            }
        case .array(let items): .array(items.map(json))
        case .dictionary(let dictionary):
            .object(JSONObject(dictionary.keys.sorted().compactMap { key in dictionary[key].map { (key, json($0)) } }))
        }
    }
}
