import Foundation
import Model

/// How a simulated backend host behaves, scripted over HTTP (`PUT /_emulator/mocks/<host>`) or from a test file:
///
/// ```json
/// {"responses": [{"status": 429, "headers": {"Retry-After": "10"}, "times": 3}], "default": {"status": 200}}
/// ```
///
/// Each request takes the first scripted response with `times` left (a response without `times` is used once), then
/// `default`, then the simulated Azure OpenAI answer. A 2xx response without `body` carries the simulated answer
/// (with `usage` counted from the request); an error without `body` carries an Azure OpenAI error body.
public struct BackendScript: Sendable, Hashable {
    public var responses: [ScriptedResponse]
    public var fallback: ScriptedResponse?
    /// `x-ms-region` of the instance (default `swedencentral`).
    public var region: String?

    public init(responses: [ScriptedResponse] = [], fallback: ScriptedResponse? = nil, region: String? = nil) {
        self.responses = responses
        self.fallback = fallback
        self.region = region
    }

    /// One scripted answer.
    public struct ScriptedResponse: Sendable, Hashable {
        public var status: Int
        public var headers: [String: String]
        /// The body as JSON text, or nil for the simulated one.
        public var body: String?
        /// How many requests it answers (nil: once).
        public var times: Int?
        /// Seconds the backend takes to answer (virtual time; `forward-request timeout` applies).
        public var delay: Double
        /// Overrides of the token counts of a simulated answer.
        public var promptTokens: Int?
        public var completionTokens: Int?

        public init(
            status: Int, headers: [String: String] = [:], body: String? = nil, times: Int? = nil, delay: Double = 0,
            promptTokens: Int? = nil, completionTokens: Int? = nil
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.times = times
            self.delay = delay
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
        }
    }

    /// A script from its JSON form; nil with a reason when the JSON does not describe one.
    public static func parse(_ json: JSONValue) -> Result<BackendScript, BackendScriptError> {
        guard json.objectValue != nil else {
            return .failure(BackendScriptError(message: "a mock must be a JSON object"))
        }
        var script = BackendScript(region: json["region"]?.stringValue)
        for (index, item) in (json["responses"]?.arrayValue ?? []).enumerated() {
            guard let response = response(item) else {
                return .failure(BackendScriptError(message: "responses[\(index)] needs a numeric 'status'"))
            }
            script.responses.append(response)
        }
        if let fallback = json["default"] {
            guard let response = response(fallback) else {
                return .failure(BackendScriptError(message: "'default' needs a numeric 'status'"))
            }
            script.fallback = response
        }
        return .success(script)
    }

    private static func response(_ json: JSONValue) -> ScriptedResponse? {
        guard let status = json["status"]?.numberValue, (100...599).contains(Int(status)) else { return nil }
        var headers: [String: String] = [:]
        for (name, value) in json["headers"]?.objectValue ?? JSONObject() {
            headers[name] = value.stringValue ?? value.numberValue.map { ExpressionValue.format($0) } ?? ""
        }
        let body: String? =
            switch json["body"] {
            case .none, .null?: nil
            case .string(let text)?: text
            case let other?: other.serialized()
            }
        return ScriptedResponse(
            status: Int(status), headers: headers, body: body, times: json["times"]?.numberValue.map { Int($0) },
            delay: json["delay"]?.numberValue ?? 0,
            promptTokens: json["usage"]?["prompt_tokens"]?.numberValue.map { Int($0) },
            completionTokens: json["usage"]?["completion_tokens"]?.numberValue.map { Int($0) })
    }

    /// The JSON form (for `GET /_emulator/mocks/<host>`).
    public var json: JSONValue {
        func encode(_ response: ScriptedResponse) -> JSONValue {
            var object = JSONObject([("status", .number(Double(response.status)))])
            if !response.headers.isEmpty {
                object["headers"] = .object(
                    JSONObject(response.headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
            }
            if let body = response.body { object["body"] = (try? JSONValue.parse(body)) ?? .string(body) }
            if let times = response.times { object["times"] = .number(Double(times)) }
            if response.delay > 0 { object["delay"] = .number(response.delay) }
            return .object(object)
        }
        var object = JSONObject([("responses", .array(responses.map(encode)))])
        if let fallback { object["default"] = encode(fallback) }
        if let region { object["region"] = .string(region) }
        return .object(object)
    }

    /// The response for the next request, consuming one use of a scripted one.
    mutating func next() -> ScriptedResponse? {
        if let index = responses.firstIndex(where: { ($0.times ?? 1) > 0 }) {
            let chosen = responses[index]
            responses[index].times = (chosen.times ?? 1) - 1
            return chosen
        }
        return fallback
    }
}

/// Why a mock could not be read.
public struct BackendScriptError: Error, Sendable, Hashable {
    public var message: String
}
