import Emulator
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Model
import NIOCore
import Testing

/// One HTTP answer, decoded for assertions.
struct Reply: Sendable {
    var status: Int
    var headers: HTTPFields
    var text: String

    var json: JSONValue? { try? JSONValue.parse(text) }
    var errorCode: String? { json?["error"]?["code"]?.stringValue }
    var errorMessage: String? { json?["error"]?["message"]?.stringValue }
    var firstDetail: JSONValue? { json?["error"]?["details"]?.arrayValue?.first }

    func header(_ name: String) -> String? {
        guard let fieldName = HTTPField.Name(name) else { return nil }
        return headers[fieldName]
    }
}

/// ARM calls against an emulator under test (router or live).
struct ARM: Sendable {
    static let apiVersion = "2024-05-01"
    let client: any TestClientProtocol
    var service = EmulatorOptions().servicePath

    func call(
        _ method: HTTPRequest.Method, _ path: String, query: String = "", body: JSONValue? = nil,
        headers: [String: String] = [:], auth: Bool = true, apiVersion: String? = ARM.apiVersion, raw: String? = nil
    ) async throws -> Reply {
        var uri = path.hasPrefix("/subscriptions") || path.hasPrefix("/_") ? path : service + "/" + path
        var parts: [String] = []
        if let apiVersion { parts.append("api-version=\(apiVersion)") }
        if !query.isEmpty { parts.append(query) }
        if !parts.isEmpty && !uri.contains("?") { uri += "?" + parts.joined(separator: "&") }
        var fields = HTTPFields()
        if auth { fields[.authorization] = "Bearer test-token" }
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        var buffer: ByteBuffer?
        if let text = raw ?? body?.serialized() {
            buffer = ByteBuffer(string: text)
            fields[.contentType] = "application/json"
        }
        let response = try await client.execute(uri: uri, method: method, headers: fields, body: buffer)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    /// Follows an absolute nextLink (only its path and query matter).
    func follow(_ link: String) async throws -> Reply {
        guard let url = URL(string: link), let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else {
            throw TestFailure("bad link \(link)")
        }
        let target = components.percentEncodedPath + "?" + (components.percentEncodedQuery ?? "")
        return try await call(.get, target, apiVersion: nil)
    }

    @discardableResult
    func put(_ path: String, _ properties: JSONValue, headers: [String: String] = [:]) async throws -> Reply {
        try await call(.put, path, body: ["properties": properties], headers: headers)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` against a fresh emulator through the Hummingbird router test framework.
func withEmulator(
    _ configure: (inout EmulatorOptions) -> Void = { _ in }, _ body: @Sendable (ARM) async throws -> Void
) async throws {
    var options = EmulatorOptions()
    configure(&options)
    let app = try EmulatorServer.application(options)
    let service = options.servicePath
    try await app.test(.router) { client in
        try await body(ARM(client: client, service: service))
    }
}

/// The repository's vendored specifications, `spec/` (computed from this file's path).
func specDirectory() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("spec")
}

func loadJSON(_ url: URL) throws -> JSONValue {
    try JSONValue.parse(String(contentsOf: url, encoding: .utf8))
}
