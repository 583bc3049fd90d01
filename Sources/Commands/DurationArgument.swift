import ArgumentParser
import Foundation

/// A duration on the command line: `90` or `90s`, `500ms`, `5m`, `1h`.
struct DurationArgument: ExpressibleByArgument, Sendable, Hashable {
    let duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let unit = units.first { text.hasSuffix($0.suffix) && Double(text.dropLast($0.suffix.count)) != nil }
        let number = unit.map { String(text.dropLast($0.suffix.count)) } ?? text
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        duration = .milliseconds(Int64((value * (unit?.seconds ?? 1) * 1000).rounded()))
    }

    var defaultValueDescription: String {
        let seconds = duration.components.seconds
        return seconds % 3600 == 0 ? "\(seconds / 3600)h" : seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds)s"
    }
}
