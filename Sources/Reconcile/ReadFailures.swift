import Foundation

/// Calls that failed while reading live APIM. A plan built on an incomplete read would show creates for what
/// exists and hide drift, so `plan` and `apply` stop instead, and say why once per cause rather than once per call.
public struct ReadFailures: Sendable {
    public private(set) var messages: [String] = []

    public init() {}

    public mutating func append(_ message: String) { messages.append(message) }

    public var isEmpty: Bool { messages.isEmpty }

    /// One line per distinct cause, naming the calls that failed with it (`GET apis, GET backends: cause`). Causes
    /// that differ only in their request ids count as one; the first call's ids are shown.
    public var summary: [String] {
        var order: [String] = []
        var calls: [String: [String]] = [:]
        var shown: [String: String] = [:]
        for message in messages {
            let parts = message.components(separatedBy: " failed: ")
            let (call, cause) =
                parts.count >= 2 ? (parts[0], parts.dropFirst().joined(separator: " failed: ")) : ("", message)
            let key = Self.withoutRequestIDs(cause)
            if calls[key] == nil {
                order.append(key)
                shown[key] = cause
            }
            calls[key, default: []].append(call)
        }
        return order.map { key in
            let cause = shown[key] ?? key
            let names = (calls[key] ?? []).filter { !$0.isEmpty }
            let more = names.count > 4 ? " and \(names.count - 4) more" : ""
            return names.isEmpty ? cause : names.prefix(4).joined(separator: ", ") + more + " failed: " + cause
        }
    }

    /// `cause` without a trailing `( … x-ms-request-id … )`, which differs from call to call.
    static func withoutRequestIDs(_ cause: String) -> String {
        guard cause.hasSuffix(")"), let open = cause.range(of: " (", options: .backwards),
            cause[open.upperBound...].contains("x-ms-")
        else { return cause }
        return String(cause[..<open.lowerBound])
    }
}
