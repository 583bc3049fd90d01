import Foundation
import Model

/// The response being built: from a backend, `return-response`, or an error.
struct ResponseState {
    var status: Int
    var reason: String
    var headers: HeaderFields
    var body: [UInt8]
    var bodyConsumed = false
}

/// Work left for when a backend answers (token counters and metrics need the `usage` of the answer).
enum ResponseHook {
    case tokenLimit(TokenLimitHook)
    case tokenMetric(namespace: String, dimensions: [(String, String)])
    /// A rate-limit or quota counter whose `increment-condition` is read once the response is known.
    case conditionalIncrement(
        counter: String, window: Double, amount: Int, condition: String, element: PolicyElement,
        policy: CompiledPolicy)
    /// Headers added to the answer (`cors`, the remaining calls of a rate limit).
    case addHeaders([(String, String)])
}

/// What `llm-token-limit` must do with the answer's usage.
struct TokenLimitHook {
    var counter: String
    var tokensPerMinute: Int?
    var quota: Int?
    var quotaPeriod: String?
    /// Prompt tokens already counted when the request went out (`estimate-prompt-tokens`).
    var estimated: Int
    var remainingTokensHeader: String?
    var remainingTokensVariable: String?
    var remainingQuotaHeader: String?
    var remainingQuotaVariable: String?
    var consumedHeader: String?
    var consumedVariable: String?
}

/// One request on its way through the pipeline: `context` as policy expressions see it, and what the gateway
/// needs to finish it (backend, hooks, trace).
final class PolicyRun: ExpressionHost {
    let original: GatewayRequest
    let match: RequestMatch
    let subscription: GatewaySubscription?
    let subscriptionKey: String?
    let product: GatewayProduct?
    let user: GatewayUser?
    let requestID: String
    let started: Double
    let clock: any GatewayClock
    let region: String
    /// Policies by scope, outermost first: global, product, API, operation (nil: the scope has none).
    let scopes: [CompiledPolicy?]

    var method: String
    /// `scheme://host[:port]/base path` the request goes to (the API's service URL, then the backend's).
    var baseURL: String
    /// The path after the base, starting with `/`.
    var relativePath: String
    var query: [(String, String)]
    var headers: HeaderFields
    var body: [UInt8]
    var bodyConsumed = false
    var response: ResponseState?
    var variables: [(String, ExpressionValue)] = []
    var backendID: String?
    /// Left by a semantic-cache lookup that missed, for the store in `<outbound>`.
    var semanticCacheMiss: SemanticCacheMiss?
    var lastError: PolicyFailure?
    var section = "inbound"
    var trace: [TraceEntry] = []
    var hooks: [ResponseHook] = []
    /// How many `include-fragment`s are running inside each other.
    var fragmentDepth = 0
    private var guids: SeededGenerator

    init(
        request: GatewayRequest, match: RequestMatch, subscription: GatewaySubscription?, key: String?,
        product: GatewayProduct?, user: GatewayUser?, scopes: [CompiledPolicy?], clock: any GatewayClock,
        seed: UInt64, region: String
    ) {
        original = request
        self.match = match
        self.subscription = subscription
        subscriptionKey = key
        self.product = product
        self.user = user
        self.scopes = scopes
        self.clock = clock
        self.region = region
        guids = SeededGenerator(seed: seed)
        requestID = guids.guid()
        started = clock.now()
        method = request.method
        baseURL = match.api.serviceURL ?? "https://\(request.host)/\(match.api.path)"
        relativePath = match.relativePath
        // APIM takes the subscription key off the request before the policies run: it never reaches the backend,
        // and a policy may set a header of the same name (an Azure OpenAI `api-key`) for it.
        query = request.query.filter { $0.0 != match.api.subscriptionKeyQuery }
        headers = request.headers
        headers.remove(match.api.subscriptionKeyHeader)
        body = request.body
    }

    var now: Double { clock.now() }

    func newGuid() -> String { guids.guid() }

    func variable(_ name: String) -> ExpressionValue? { variables.first { $0.0 == name }?.1 }

    func setVariable(_ name: String, _ value: ExpressionValue) {
        if let index = variables.firstIndex(where: { $0.0 == name }) {
            variables[index].1 = value
        } else {
            variables.append((name, value))
        }
    }

    /// The request URL as text.
    var url: String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let path = relativePath == "/" && !base.isEmpty ? "" : relativePath
        return base + path + Self.queryString(query)
    }

    var originalURL: String {
        "https://\(original.host)\(original.path)" + Self.queryString(original.query)
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?"))
        return "?"
            + query.map { name, value in
                (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name) + "="
                    + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
            }.joined(separator: "&")
    }

    /// Whether the current section works on the response (`outbound`, `on-error`).
    var inResponseSection: Bool { section == "outbound" || section == "on-error" }

    // MARK: - context

    func member(_ object: ContextObject, _ name: String) throws -> ExpressionValue {
        switch (object, name) {
        case (.context, "Request"): return .host(.request)
        case (.context, "Response"): return response == nil ? .null : .host(.response)
        case (.context, "Variables"):
            return .dictionary(ExpressionDictionary(kind: .plain, entries: variables.map { (key: $0.0, value: $0.1) }))
        case (.context, "Subscription"): return subscription == nil ? .null : .host(.subscription)
        case (.context, "Product"): return product == nil ? .null : .host(.product)
        case (.context, "Api"): return .host(.api)
        case (.context, "Operation"): return match.operation == nil ? .null : .host(.operation)
        case (.context, "User"): return user == nil ? .null : .host(.user)
        case (.context, "RequestId"): return .guid(requestID)
        case (.context, "Deployment"): return .host(.deployment)
        case (.context, "LastError"): return lastError == nil ? .null : .host(.lastError)
        case (.context, "Elapsed"): return .timeSpan(clock.now() - started)
        case (.context, "Timestamp"): return .dateTime(started)
        case (.context, "Tracing"): return .bool(false)
        case (.request, "Method"): return .string(method)
        case (.originalRequest, "Method"): return .string(original.method)
        case (.request, "Url"): return .host(.url(original: false))
        case (.request, "OriginalUrl"), (.originalRequest, "Url"): return .host(.url(original: true))
        case (.request, "Headers"): return headersValue(headers)
        case (.originalRequest, "Headers"): return headersValue(original.headers)
        case (.request, "Body"): return .host(.body(response: false))
        case (.request, "MatchedParameters"):
            return .dictionary(
                ExpressionDictionary(kind: .plain, entries: match.parameters.map { (key: $0.0, value: .string($0.1)) }))
        case (.request, "IpAddress"), (.originalRequest, "IpAddress"): return .string(original.clientIP)
        case (.request, "Certificate"): return .null
        case (.response, "StatusCode"): return .int(response?.status ?? 0)
        case (.response, "StatusReason"): return .string(response?.reason ?? "")
        case (.response, "Headers"): return headersValue(response?.headers ?? HeaderFields())
        case (.response, "Body"): return .host(.body(response: true))
        case (.url(let isOriginal), _): return try urlMember(isOriginal ? originalURL : url, name)
        case (.subscription, _):
            guard let subscription else { throw ExpressionError.nullReference }
            switch name {
            case "Id": return .string(subscription.name)
            case "Name": return .string(subscription.displayName)
            case "Key": return .string(subscriptionKey ?? subscription.primaryKey)
            case "PrimaryKey": return .string(subscription.primaryKey)
            case "SecondaryKey": return .string(subscription.secondaryKey)
            default: break
            }
        case (.product, _):
            guard let product else { throw ExpressionError.nullReference }
            switch name {
            case "Id": return .string(product.name)
            case "Name": return .string(product.displayName)
            case "State": return .string(product.state)
            default: break
            }
        case (.api, _):
            let api = match.api
            switch name {
            case "Id": return .string(api.name)
            case "Name": return .string(api.displayName)
            case "Path": return .string(api.path)
            case "Version": return api.version.map { .string($0) } ?? .null
            case "Protocols": return .array(api.protocols.map { .string($0) })
            case "IsCurrentRevision": return .bool(true)
            case "Revision": return .string("1")
            case "SubscriptionKeyParameterNames":
                break
            default: break
            }
        case (.operation, _):
            guard let operation = match.operation else { throw ExpressionError.nullReference }
            switch name {
            case "Id": return .string(operation.name)
            case "Name": return .string(operation.displayName)
            case "Method": return .string(operation.method)
            case "UrlTemplate": return .string(operation.urlTemplate)
            default: break
            }
        case (.user, _):
            guard let user else { throw ExpressionError.nullReference }
            switch name {
            case "Id": return .string(user.name)
            case "Email": return .string(user.email)
            case "FirstName": return .string(user.firstName)
            case "LastName": return .string(user.lastName)
            default: break
            }
        case (.deployment, "Region"): return .string(region)
        case (.deployment, "ServiceName"): return .string("apimsync-local")
        case (.deployment, "ServiceId"): return .string("apimsync-local")
        case (.lastError, _):
            guard let lastError else { throw ExpressionError.nullReference }
            switch name {
            case "Source": return .string(lastError.source)
            case "Reason": return .string(lastError.reason)
            case "Message": return .string(lastError.message)
            case "Scope": return .string(lastError.scope)
            case "Section": return .string(lastError.section)
            case "Path": return .string(lastError.path)
            case "PolicyId": return .string(lastError.policyID)
            default: break
            }
        default: break
        }
        throw ExpressionError.unplaced(
            .unsupported, "'\(object.typeName).\(name)' is not supported by the local gateway")
    }

    func call(
        _ object: ContextObject, _ method: String, typeArguments: [String], arguments: [ExpressionValue],
        named: [String: ExpressionValue]
    ) throws -> ExpressionValue {
        switch (object, method) {
        case (.url(let isOriginal), "ToString") where arguments.isEmpty:
            return .string(isOriginal ? originalURL : url)
        case (.body(let ofResponse), "As"):
            let preserve = named["preserveContent"] ?? arguments.first
            let keep: Bool
            switch preserve {
            case .bool(let flag)?: keep = flag
            case nil: keep = false
            default: throw ExpressionError.unplaced(.unsupported, "preserveContent must be a bool")
            }
            let bytes: [UInt8]
            if ofResponse {
                guard var state = response else { throw ExpressionError.nullReference }
                bytes = state.bodyConsumed ? [] : state.body
                if !keep { state.bodyConsumed = true }
                response = state
            } else {
                bytes = bodyConsumed ? [] : body
                if !keep { bodyConsumed = true }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            switch typeArguments.first ?? "" {
            case "string": return .string(text)
            case "JObject", "JArray", "JToken":
                if text.isEmpty { return .null }
                guard let json = try? JSONValue.parse(text) else {
                    throw ExpressionError.unplaced(
                        .runtime, "Unexpected character encountered while parsing value. Path '', line 1.")
                }
                return try Conversions.convert(.json(json), to: typeArguments[0], explicit: false)
            case "byte[]": return .bytes(bytes)
            default:
                throw ExpressionError.unplaced(
                    .unsupported, "Body.As<\(typeArguments.first ?? "")> is not supported by the local gateway")
            }
        default:
            throw ExpressionError.unplaced(
                .unsupported, "'\(object.typeName).\(method)(…)' is not supported by the local gateway")
        }
    }

    private func headersValue(_ fields: HeaderFields) -> ExpressionValue {
        .dictionary(
            ExpressionDictionary(
                kind: .multiValued(caseInsensitive: true),
                entries: fields.names.map { name in
                    (key: name, value: .array(fields.values(name).map { .string($0) }))
                }))
    }

    private func urlMember(_ text: String, _ name: String) throws -> ExpressionValue {
        guard let components = URLComponents(string: text) else { throw ExpressionError.nullReference }
        switch name {
        case "Scheme": return .string(components.scheme ?? "https")
        case "Host": return .string(components.host ?? "")
        case "Port": return .int(components.port ?? (components.scheme == "http" ? 80 : 443))
        case "Path": return .string(components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
        case "QueryString": return .string(components.percentEncodedQuery.map { "?" + $0 } ?? "")
        case "Query":
            let pairs = (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
            var names: [String] = []
            for (key, _) in pairs where !names.contains(key) { names.append(key) }
            return .dictionary(
                ExpressionDictionary(
                    kind: .multiValued(caseInsensitive: false),
                    entries: names.map { key in
                        (key: key, value: .array(pairs.filter { $0.0 == key }.map { .string($0.1) }))
                    }))
        default:
            throw ExpressionError.unplaced(.unsupported, "'IUrl.\(name)' is not supported by the local gateway")
        }
    }
}
