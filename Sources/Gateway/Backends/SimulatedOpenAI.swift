import Foundation
import Model

/// A request as a simulated backend receives it.
public struct BackendCall: Sendable {
    /// The backend entity it was sent through (`aoai-apimaoai01`), nil for a URL set by `base-url`.
    public var backend: String?
    public var method: String
    public var host: String
    public var path: String
    public var query: [(String, String)]
    public var headers: HeaderFields
    public var body: [UInt8]
    /// The answer's status.
    public var status: Int = 0
}

/// The answer of a simulated backend.
struct BackendReply: Sendable {
    var status: Int
    var headers: HeaderFields
    var body: [UInt8]
    /// Virtual seconds the backend took.
    var delay: Double
}

/// An Azure OpenAI instance as the local gateway simulates it (any backend host is one): chat completions,
/// completions, embeddings and responses, with `usage` counted from the request, `x-ms-region` and the instance's
/// name in `x-apimsync-instance`. Like Azure OpenAI it wants an `api-key` header or a bearer token; the only bearer
/// tokens it accepts are the gateway's managed-identity tokens for `https://cognitiveservices.azure.com`.
enum SimulatedOpenAI {
    /// The default region of simulated instances.
    static let defaultRegion = "swedencentral"

    /// The prefix of the managed-identity tokens the gateway makes (`authentication-managed-identity`).
    static let tokenPrefix = "apimsync-managed-identity."

    /// A recognisable fake token for `resource` (not a JWT anyone could verify): prefix, then the base64url of
    /// `{"aud": resource, "identity": clientId or "system-assigned"}`.
    static func managedIdentityToken(resource: String, clientID: String?) -> String {
        let claims = JSONValue.object(
            JSONObject([("aud", .string(resource)), ("identity", .string(clientID ?? "system-assigned"))]))
        let encoded = Data(claims.serialized().utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return tokenPrefix + encoded
    }

    /// The audience of a gateway token, nil for any other text.
    static func audience(of token: String) -> String? {
        guard token.hasPrefix(tokenPrefix) else { return nil }
        var encoded = String(token.dropFirst(tokenPrefix.count))
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while encoded.count % 4 != 0 { encoded += "=" }
        guard let data = Data(base64Encoded: encoded), let claims = try? JSONValue.parse(Array(data)) else {
            return nil
        }
        return claims["aud"]?.stringValue
    }

    /// The instance name a host stands for (`apimaoai01` for `apimaoai01.openai.azure.com`).
    static func instance(of host: String) -> String {
        String(host.split(separator: ".").first ?? Substring(host))
    }

    /// A rough token count, the same for the simulated backends and `estimate-prompt-tokens`: one per four UTF-8
    /// bytes, at least one.
    static func tokens(_ text: String) -> Int { max(1, (text.utf8.count + 3) / 4) }

    /// Prompt tokens of a request body (chat `messages`, completion `prompt`, embedding or responses `input`).
    static func promptTokens(_ body: JSONValue) -> Int {
        if let messages = body["messages"]?.arrayValue {
            return 3 + messages.reduce(0) { $0 + 3 + tokens(text(of: $1["content"])) }
        }
        if let prompt = body["prompt"] { return inputs(prompt).reduce(0) { $0 + tokens($1) } }
        if let input = body["input"] {
            if let items = input.arrayValue, items.contains(where: { $0.objectValue != nil }) {
                return items.reduce(0) { $0 + 3 + tokens(text(of: $1["content"])) }
            }
            return inputs(input).reduce(0) { $0 + tokens($1) }
        }
        return 0
    }

    private static func inputs(_ value: JSONValue) -> [String] {
        if let text = value.stringValue { return [text] }
        return value.arrayValue?.map { $0.stringValue ?? $0.serialized() } ?? [value.serialized()]
    }

    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: text
        case .array(let parts)?: parts.compactMap { $0["text"]?.stringValue ?? $0.stringValue }.joined(separator: " ")
        default: ""
        }
    }

    /// The answer to `call`, following `scripted` when given.
    static func answer(
        _ call: BackendCall, scripted: BackendScript.ScriptedResponse?, region: String, now: Double, id: String
    ) -> BackendReply {
        let instance = instance(of: call.host)
        var headers = HeaderFields([
            ("Content-Type", "application/json"), ("x-ms-region", region), ("x-apimsync-instance", instance),
            ("apim-request-id", id),
        ])
        func reply(_ status: Int, _ body: JSONValue, delay: Double = 0) -> BackendReply {
            BackendReply(status: status, headers: headers, body: Array(body.serialized().utf8), delay: delay)
        }
        let delay = scripted?.delay ?? 0
        if let scripted {
            for (name, value) in scripted.headers.sorted(by: { $0.key < $1.key }) { headers.set(name, value) }
            if let body = scripted.body {
                return BackendReply(status: scripted.status, headers: headers, body: Array(body.utf8), delay: delay)
            }
            if !(200..<300).contains(scripted.status) {
                return reply(
                    scripted.status, error(scripted.status, retryAfter: scripted.headers["Retry-After"]), delay: delay)
            }
        }
        if let problem = authenticationProblem(call.headers) {
            return reply(
                401,
                .object(JSONObject([("error", .object(JSONObject([("code", "401"), ("message", .string(problem))])))])))
        }
        let path = call.path
        guard let deploymentRange = path.range(of: "/deployments/") else {
            if path.hasSuffix("/responses") { return respond(.responses, deployment: nil) }
            return reply(
                404,
                .object(
                    JSONObject([("error", .object(JSONObject([("code", "404"), ("message", "Resource not found")])))])))
        }
        let afterDeployment = path[deploymentRange.upperBound...]
        let deployment = String(afterDeployment.split(separator: "/").first ?? "")
        let operation: Operation
        if path.hasSuffix("/chat/completions") {
            operation = .chat
        } else if path.hasSuffix("/completions") {
            operation = .completions
        } else if path.hasSuffix("/embeddings") {
            operation = .embeddings
        } else if path.hasSuffix("/responses") {
            operation = .responses
        } else {
            return reply(
                404,
                .object(
                    JSONObject([("error", .object(JSONObject([("code", "404"), ("message", "Resource not found")])))])))
        }
        return respond(operation, deployment: deployment)

        func respond(_ operation: Operation, deployment: String?) -> BackendReply {
            guard let body = try? JSONValue.parse(call.body), body.objectValue != nil else {
                return reply(
                    400,
                    .object(
                        JSONObject([
                            (
                                "error",
                                .object(
                                    JSONObject([
                                        ("code", "BadRequest"), ("message", "The request body is not valid JSON."),
                                    ]))
                            )
                        ])))
            }
            if body["stream"]?.boolValue == true {
                return reply(
                    400,
                    .object(
                        JSONObject([
                            (
                                "error",
                                .object(
                                    JSONObject([
                                        ("code", "BadRequest"),
                                        ("message", "Streaming is not simulated by the local gateway."),
                                    ]))
                            )
                        ])))
            }
            let model = deployment ?? body["model"]?.stringValue ?? "unknown"
            let content = "Simulated answer from \(instance) (\(model))."
            let prompt = scripted?.promptTokens ?? promptTokens(body)
            let requested = body["max_tokens"] ?? body["max_completion_tokens"] ?? body["max_output_tokens"]
            let completion = scripted?.completionTokens ?? requested?.numberValue.map { Int($0) } ?? tokens(content)
            let created = JSONValue.number(now.rounded(.down))
            let status = scripted?.status ?? 200
            switch operation {
            case .chat:
                let message = JSONValue.object(JSONObject([("role", "assistant"), ("content", .string(content))]))
                return reply(
                    status,
                    .object(
                        JSONObject([
                            ("id", .string("chatcmpl-\(id)")), ("object", "chat.completion"), ("created", created),
                            ("model", .string(model)),
                            (
                                "choices",
                                .array([
                                    .object(
                                        JSONObject([("index", 0), ("message", message), ("finish_reason", "stop")]))
                                ])
                            ),
                            ("usage", usage(prompt, completion)),
                        ])), delay: delay)
            case .completions:
                return reply(
                    status,
                    .object(
                        JSONObject([
                            ("id", .string("cmpl-\(id)")), ("object", "text_completion"), ("created", created),
                            ("model", .string(model)),
                            (
                                "choices",
                                .array([
                                    .object(
                                        JSONObject([
                                            ("index", 0), ("text", .string(content)), ("finish_reason", "stop"),
                                            ("logprobs", .null),
                                        ]))
                                ])
                            ),
                            ("usage", usage(prompt, completion)),
                        ])), delay: delay)
            case .embeddings:
                let items = body["input"].map(inputs) ?? []
                let dimensions = min(max(body["dimensions"]?.numberValue.map { Int($0) } ?? 8, 1), 256)
                let base64 = body["encoding_format"]?.stringValue == "base64"
                let data = items.enumerated().map { index, text -> JSONValue in
                    let vector = embedding(text, dimensions: dimensions)
                    let encoded: JSONValue =
                        base64
                        ? .string(
                            Data(vector.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
                                .base64EncodedString())
                        : .array(vector.map { .number(Double($0)) })
                    return .object(
                        JSONObject([("object", "embedding"), ("index", .number(Double(index))), ("embedding", encoded)])
                    )
                }
                return reply(
                    status,
                    .object(
                        JSONObject([
                            ("object", "list"), ("data", .array(data)), ("model", .string(model)),
                            (
                                "usage",
                                .object(
                                    JSONObject([
                                        ("prompt_tokens", .number(Double(prompt))),
                                        ("total_tokens", .number(Double(prompt))),
                                    ]))
                            ),
                        ])), delay: delay)
            case .responses:
                let text = JSONValue.object(
                    JSONObject([("type", "output_text"), ("text", .string(content)), ("annotations", .array([]))]))
                let message = JSONValue.object(
                    JSONObject([
                        ("type", "message"), ("id", .string("msg-\(id)")), ("status", "completed"),
                        ("role", "assistant"),
                        ("content", .array([text])),
                    ]))
                return reply(
                    status,
                    .object(
                        JSONObject([
                            ("id", .string("resp-\(id)")), ("object", "response"), ("created_at", created),
                            ("status", "completed"),
                            ("model", .string(model)), ("output", .array([message])),
                            (
                                "usage",
                                .object(
                                    JSONObject([
                                        ("input_tokens", .number(Double(prompt))),
                                        ("output_tokens", .number(Double(completion))),
                                        ("total_tokens", .number(Double(prompt + completion))),
                                    ]))
                            ),
                        ])), delay: delay)
            }
        }
    }

    enum Operation {
        case chat, completions, embeddings, responses
    }

    private static func usage(_ prompt: Int, _ completion: Int) -> JSONValue {
        .object(
            JSONObject([
                ("prompt_tokens", .number(Double(prompt))), ("completion_tokens", .number(Double(completion))),
                ("total_tokens", .number(Double(prompt + completion))),
            ]))
    }

    /// A deterministic unit vector for `text`.
    static func embedding(_ text: String, dimensions: Int) -> [Float] {
        var generator = SeededGenerator(
            seed: text.utf8.reduce(1469598103934665603) { ($0 ^ UInt64($1)) &* 1099511628211 })
        let raw = (0..<dimensions).map { _ in Float(Double(generator.next() % 2000) / 1000 - 1) }
        let length = max(sqrt(raw.reduce(0) { $0 + $1 * $1 }), 1e-6)
        return raw.map { $0 / length }
    }

    /// Why Azure OpenAI would refuse the credentials, or nil.
    private static func authenticationProblem(_ headers: HeaderFields) -> String? {
        if let key = headers["api-key"], !key.isEmpty { return nil }
        guard let authorization = headers["Authorization"] else {
            return "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid "
                + "key for an active subscription and use a correct regional API endpoint for your resource."
        }
        let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : authorization
        guard let audience = audience(of: token) else {
            return "Unauthorized. Access token is missing, invalid, audience is incorrect, or have expired."
        }
        let accepted = [
            "https://cognitiveservices.azure.com", "https://cognitiveservices.azure.com/", "https://ai.azure.com",
        ]
        return accepted.contains(audience)
            ? nil
            : "Unauthorized. Access token is missing, invalid, audience is incorrect (\(audience)), or have expired."
    }

    /// Azure OpenAI's error body for a scripted failure.
    static func error(_ status: Int, retryAfter: String?) -> JSONValue {
        let message: String =
            switch status {
            case 429:
                "Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded token rate limit "
                    + "of your current OpenAI S0 pricing tier. Please retry after \(retryAfter ?? "60") seconds."
            case 500...599: "The server had an error while processing your request. Sorry about that!"
            default: HTTPReason.phrase(status)
            }
        return .object(
            JSONObject([
                ("error", .object(JSONObject([("code", .string(String(status))), ("message", .string(message))])))
            ]))
    }
}
