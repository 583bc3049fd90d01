import APIMSpec
import Foundation
import Model

/// An ARM error answer: status plus `{"error":{"code","message","details"}}`.
struct ARMError: Error, Sendable {
    struct Detail: Sendable {
        var code: String
        var target: String
        var message: String
    }

    var status: Int
    var code: String
    var message: String
    var target: String?
    var details: [Detail]?
    var headers: [(String, String)] = []

    init(status: Int, code: String, message: String, target: String? = nil, details: [Detail]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details
    }

    /// 400 `ValidationError` "One or more fields contain incorrect values:" with one detail.
    static func validation(target: String, message: String) -> ARMError {
        validation([Detail(code: "ValidationError", target: target, message: message)])
    }

    static func validation(_ details: [Detail]) -> ARMError {
        ARMError(
            status: 400, code: "ValidationError", message: "One or more fields contain incorrect values:",
            details: details)
    }

    /// 400 `ValidationError` with a top-level message and no details.
    static func badRequest(_ message: String, code: String = "ValidationError") -> ARMError {
        ARMError(status: 400, code: code, message: message)
    }

    static func notFound(_ label: String) -> ARMError {
        ARMError(status: 404, code: "ResourceNotFound", message: "\(label) not found.")
    }

    static let preconditionFailed = ARMError(
        status: 412, code: "PreconditionFailed", message: "Resource was modified since last retrieval.")

    var body: JSONValue {
        var error = JSONObject()
        error["code"] = .string(code)
        error["message"] = .string(message)
        if let target { error["target"] = .string(target) }
        if let details {
            error["details"] = .array(
                details.map {
                    .object(
                        JSONObject([
                            ("code", .string($0.code)), ("target", .string($0.target)),
                            ("message", .string($0.message)),
                        ]))
                })
        } else {
            error["details"] = .null
        }
        return .object(JSONObject([("error", .object(error))]))
    }
}

/// A transport-neutral request as the emulator core sees it.
struct EmuRequest: Sendable {
    var method: String
    /// Percent-decoded path segments.
    var rawPath: String
    var query: [(String, String)]
    /// Header names lower-cased.
    var headers: [String: String]
    var body: [UInt8]
    /// `http://host:port`, used to build absolute nextLink / Location URLs.
    var origin: String

    func queryValue(_ name: String) -> String? {
        query.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The request's `api-version` (checked at the front door to be one the emulator serves).
    var apiVersion: APIVersion { APIVersion(rawValue: queryValue("api-version") ?? "") }

    /// Splits `path?query`, percent-decodes path and query (with `+` as space in the query).
    static func split(_ target: String) -> (path: String, query: [(String, String)]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        var query: [(String, String)] = []
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = decode(String(pair[0]), plusAsSpace: true)
                let value = pair.count > 1 ? decode(String(pair[1]), plusAsSpace: true) : ""
                query.append((name, value))
            }
        }
        return (path, query)
    }

    static func decode(_ text: String, plusAsSpace: Bool) -> String {
        let replaced = plusAsSpace ? text.replacingOccurrences(of: "+", with: " ") : text
        return replaced.removingPercentEncoding ?? replaced
    }
}

/// A transport-neutral response.
struct EmuResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Close the connection without answering (fault injection).
    var drop = false
    /// Sleep this long before answering (latency injection).
    var delayMilliseconds: Double = 0

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> EmuResponse {
        var response = EmuResponse(status: status, headers: headers, body: Array(value.serialized().utf8))
        response.headers.append(("Content-Type", "application/json; charset=utf-8"))
        return response
    }

    static func empty(_ status: Int, headers: [(String, String)] = []) -> EmuResponse {
        EmuResponse(status: status, headers: headers)
    }

    static func error(_ error: ARMError) -> EmuResponse {
        json(error.status, error.body, headers: error.headers)
    }
}
