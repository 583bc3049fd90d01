import Foundation
import Model

/// `JToken.ToString()` as Json.NET writes it: indented by two spaces, `"name": value`, strings of a `JValue` bare.
enum JSONText {
    static func write(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        var out = ""
        write(value, indent: 0, into: &out)
        return out
    }

    /// Compact text (`ToString(Formatting.None)`), the form bodies are sent in.
    static func compact(_ value: JSONValue) -> String { value.serialized() }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent + 2)
        let close = String(repeating: " ", count: indent)
        switch value {
        case .object(let object):
            guard !object.keys.isEmpty else {
                out += "{}"
                return
            }
            out += "{"
            for (index, key) in object.keys.enumerated() {
                out += (index == 0 ? "\r\n" : ",\r\n") + pad
                out += JSONValue.string(key).serialized() + ": "
                write(object[key] ?? .null, indent: indent + 2, into: &out)
            }
            out += "\r\n" + close + "}"
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (index, item) in items.enumerated() {
                out += (index == 0 ? "\r\n" : ",\r\n") + pad
                write(item, indent: indent + 2, into: &out)
            }
            out += "\r\n" + close + "]"
        default:
            out += value.serialized()
        }
    }
}

/// `DateTime` and `TimeSpan` text in the invariant culture.
enum DateText {
    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }

    /// `format` is a standard specifier (`o`, `s`, `u`, `G`, `d`, `R`) or a custom pattern (`yyyy-MM-ddTHH:mm:ss`).
    static func format(_ seconds: Double, _ format: String) -> String {
        let date = Date(timeIntervalSince1970: seconds)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let fraction = seconds - seconds.rounded(.down)
        let ticks = Int((fraction * 10_000_000).rounded(.down))
        switch format {
        case "o", "O": return custom(parts, ticks: ticks, "yyyy-MM-ddTHH:mm:ss.fffffff") + "Z"
        case "s": return custom(parts, ticks: ticks, "yyyy-MM-ddTHH:mm:ss")
        case "u": return custom(parts, ticks: ticks, "yyyy-MM-dd HH:mm:ss") + "Z"
        case "d": return custom(parts, ticks: ticks, "MM/dd/yyyy")
        case "R", "r":
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            let weekday = days[((parts.weekday ?? 1) - 1) % 7]
            let month = months[((parts.month ?? 1) - 1) % 12]
            return "\(weekday), \(two(parts.day)) \(month) \(parts.year ?? 0) "
                + custom(parts, ticks: ticks, "HH:mm:ss") + " GMT"
        case "G", "":
            let hour = parts.hour ?? 0
            let twelve = hour % 12 == 0 ? 12 : hour % 12
            return "\(two(parts.month))/\(two(parts.day))/\(parts.year ?? 0) \(twelve):\(two(parts.minute)):"
                + "\(two(parts.second)) \(hour < 12 ? "AM" : "PM")"
        default: return custom(parts, ticks: ticks, format)
        }
    }

    private static func two(_ value: Int?) -> String {
        let number = value ?? 0
        return number < 10 ? "0\(number)" : String(number)
    }

    private static func custom(_ parts: DateComponents, ticks: Int, _ pattern: String) -> String {
        var out = ""
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            var run = 1
            while index + run < characters.count, characters[index + run] == character { run += 1 }
            func padded(_ value: Int, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            switch character {
            case "y": out += run <= 2 ? padded((parts.year ?? 0) % 100, run) : padded(parts.year ?? 0, run)
            case "M": out += padded(parts.month ?? 0, run)
            case "d": out += padded(parts.day ?? 0, run)
            case "H": out += padded(parts.hour ?? 0, run)
            case "m": out += padded(parts.minute ?? 0, run)
            case "s": out += padded(parts.second ?? 0, run)
            case "f": out += String(padded(ticks, 7).prefix(min(run, 7)))
            case "'", "\"":
                var end = index + 1
                while end < characters.count, characters[end] != character { end += 1 }
                out += String(characters[(index + 1)..<min(end, characters.count)])
                index = end + 1
                continue
            default: out += String(repeating: character, count: run)
            }
            index += run
        }
        return out
    }

    /// `TimeSpan.ToString()`: `[-][d.]hh:mm:ss[.fffffff]`.
    static func timeSpan(_ seconds: Double) -> String {
        let negative = seconds < 0
        let total = abs(seconds)
        let whole = Int(total.rounded(.down))
        let ticks = Int(((total - Double(whole)) * 10_000_000).rounded())
        let days = whole / 86_400
        let hours = (whole % 86_400) / 3_600
        let minutes = (whole % 3_600) / 60
        let secs = whole % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        var text = (negative ? "-" : "") + (days > 0 ? "\(days)." : "") + "\(two(hours)):\(two(minutes)):\(two(secs))"
        if ticks > 0 {
            let fraction = String(ticks)
            text += "." + String(repeating: "0", count: max(0, 7 - fraction.count)) + fraction
        }
        return text
    }
}
