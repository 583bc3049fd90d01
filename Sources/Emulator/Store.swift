import Foundation
import Logging
import Model

/// A pending or finished long-running operation.
struct LroOperation: Sendable {
    var id: String
    var remainingPolls: Int
    /// Internal key of the resource; nil for a delete.
    var resourceKey: String?
    var externalPath: String
    var finalStatus: Int
    /// Lower-cased API id whose writes are refused (409) while this operation is pending.
    var apiLock: String?
    var isDelete: Bool
}

/// Token buckets of one principal.
struct PrincipalBuckets: Sendable {
    var reads: Double
    var writes: Double
    var deletes: Double
    var updated: Double
}

/// The emulated APIM service: all state and request handling, isolated in one actor.
actor EmulatorStore {
    let options: EmulatorOptions
    let servicePath: String
    private let servicePathLower: String
    var state: EmulatorState
    private var faultRandom: SeededGenerator
    private var latencyRandom: SeededGenerator
    var idRandom: SeededGenerator
    private(set) var stats = EmulatorStats()
    private var buckets: [String: PrincipalBuckets] = [:]
    var operations: [String: LroOperation] = [:]
    /// API exports by link token (`/_emulator/exports/<token>`), until they expire.
    var exports: [String: (text: String, expires: Date)] = [:]
    private var requestCounter: UInt64 = 0

    init(options: EmulatorOptions) throws {
        self.options = options
        self.servicePath = options.servicePath
        self.servicePathLower = options.servicePath.lowercased()
        self.faultRandom = SeededGenerator(seed: options.seed)
        self.latencyRandom = SeededGenerator(seed: options.seed ^ 0x1A7E_5C1)
        self.idRandom = SeededGenerator(seed: options.seed ^ 0x5EED_1D5)
        if let file = options.stateFile, FileManager.default.fileExists(atPath: file) {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw EmulatorStateError(file: file, reason: "cannot be read: \(error.localizedDescription)")
            }
            self.state = try EmulatorState.load(text: text, file: file)
        } else {
            var generator = SeededGenerator(seed: options.seed ^ 0xF1E5)
            self.state = Seed.fresh(options: options, random: &generator)
            if let file = options.stateFile { try Self.write(state, to: file) }
        }
    }

    static func write(_ state: EmulatorState, to file: String) throws {
        let url = URL(fileURLWithPath: file)
        try Data(state.serialized().utf8).write(to: url, options: .atomic)
    }

    /// Back to a fresh service; counters and pending operations are cleared too.
    func reset() {
        var generator = SeededGenerator(seed: options.seed ^ 0xF1E5)
        state = Seed.fresh(options: options, random: &generator)
        faultRandom = SeededGenerator(seed: options.seed)
        latencyRandom = SeededGenerator(seed: options.seed ^ 0x1A7E_5C1)
        idRandom = SeededGenerator(seed: options.seed ^ 0x5EED_1D5)
        stats = EmulatorStats()
        buckets = [:]
        operations = [:]
        exports = [:]
        if let file = options.stateFile { try? Self.write(state, to: file) }
    }

    func currentStats() -> EmulatorStats { stats }

    // MARK: - Request entry point

    func handle(_ request: EmuRequest) -> EmuResponse {
        requestCounter += 1
        var kindLabel = "_other"
        var response: EmuResponse
        if request.rawPath.hasPrefix("/_emulator/") {
            response = emulatorEndpoint(request)
            kindLabel = "_emulator"
        } else if Self.isTokenPath(request.rawPath) {
            response = tokenEndpoint(request)
            kindLabel = "_token"
        } else {
            do throws(ARMError) {
                response = try arm(request, kindLabel: &kindLabel)
            } catch {
                response = .error(error)
            }
            decorate(&response, request: request)
        }
        stats.totalRequests += 1
        stats.byMethod[request.method, default: 0] += 1
        stats.byKind[kindLabel, default: 0] += 1
        stats.byMethodAndKind["\(request.method) \(kindLabel)", default: 0] += 1
        stats.byStatus[response.drop ? 0 : response.status, default: 0] += 1
        if let latency = options.latency, latency.meanMilliseconds > 0 || latency.jitterMilliseconds > 0 {
            let jitter = latency.jitterMilliseconds * (latencyRandom.unit() * 2 - 1)
            response.delayMilliseconds = max(0, latency.meanMilliseconds + jitter)
        }
        return response
    }

    private func emulatorEndpoint(_ request: EmuRequest) -> EmuResponse {
        switch (request.method, request.rawPath) {
        case ("GET", "/_emulator/stats"):
            return .json(200, stats.json)
        case ("POST", "/_emulator/reset"):
            reset()
            return .empty(204)
        case ("GET", let path) where path.hasPrefix("/_emulator/exports/"):
            return exportedDocument(token: String(path.dropFirst("/_emulator/exports/".count)))
        default:
            return .error(ARMError(status: 404, code: "NotFound", message: "Unknown emulator endpoint."))
        }
    }

    private func decorate(_ response: inout EmuResponse, request: EmuRequest) {
        let requestId = uuid()
        response.headers.append(("x-ms-request-id", requestId))
        response.headers.append(
            ("x-ms-correlation-request-id", request.header("x-ms-correlation-request-id") ?? requestId))
        response.headers.append(("x-ms-routing-request-id", "EMULATOR:\(Self.timestamp()):\(requestId)"))
        if let client = request.header("x-ms-client-request-id") {
            response.headers.append(("x-ms-client-request-id", client))
        }
    }

    func uuid() -> String {
        let a = idRandom.next()
        let b = idRandom.next()
        let hex = String(format: "%016llx%016llx", a, b)
        let chars = Array(hex)
        let variant = ["8", "9", "a", "b"][Int(b & 3)]
        return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-4" + String(chars[13..<16]) + "-" + variant
            + String(chars[17..<20]) + "-" + String(chars[20..<32])
    }

    func hexId(_ length: Int = 24) -> String {
        var out = ""
        while out.count < length { out += String(format: "%016llx", idRandom.next()) }
        return String(out.prefix(length))
    }

    /// Now, as ARM writes it (`2026-11-25T10:30:14.123Z`). A format style, not an `ISO8601DateFormatter`:
    /// creating one of those per request was an eighth of the emulator's CPU.
    static func timestamp() -> String {
        Date.now.armTimestamp
    }

    // MARK: - ARM front door: auth, api-version, throttling, faults

    private func arm(_ request: EmuRequest, kindLabel: inout String) throws(ARMError) -> EmuResponse {
        let principal = try authenticate(request)
        guard let version = request.queryValue("api-version"), !version.isEmpty else {
            throw ARMError(
                status: 400, code: "MissingApiVersionParameter",
                message: "The api-version query parameter (?api-version=) is required for all requests.")
        }
        guard version == EmulatorInfo.apiVersion else {
            throw ARMError(
                status: 400, code: "InvalidApiVersionParameter",
                message:
                    "The api-version '\(version)' is invalid. The supported versions are '\(EmulatorInfo.apiVersion)'.")
        }
        let lowerPath = request.rawPath.lowercased()
        var segments: [String] = []
        if lowerPath == servicePathLower || lowerPath == servicePathLower + "/" {
            segments = []
        } else if lowerPath.hasPrefix(servicePathLower + "/") {
            let rest = request.rawPath.dropFirst(servicePath.count + 1)
            // The transport already percent-decoded the path once.
            segments = rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        } else {
            throw ARMError(
                status: 404, code: "ResourceNotFound",
                message:
                    "The Resource 'Microsoft.ApiManagement/service/\(options.serviceName)' under resource group '\(options.resourceGroup)' was not found or the request path is not an API Management entity path."
            )
        }
        let route = segments.isEmpty ? nil : Route.parse(segments, method: request.method)
        if let route { kindLabel = route.pattern }
        let limit = throttle(principal: principal, method: request.method)
        if var throttled = limit.response {
            throttled.headers.append(contentsOf: limit.headers)
            return throttled
        }
        if var fault = injectFault(method: request.method, path: segments.joined(separator: "/")) {
            fault.headers.append(contentsOf: limit.headers)
            return fault
        }
        var response: EmuResponse
        do throws(ARMError) {
            if segments.isEmpty {
                response = serviceResource(request)
            } else if segments.count == 3, segments[0].lowercased() == "tenant",
                segments[1].lowercased() == "operationresults"
            {
                kindLabel = "tenant/operationResults"
                guard request.method == "GET" else { throw methodNotAllowed(request.method) }
                response = operationResult(segments[2], request)
            } else if let route {
                response = try dispatch(route, request)
            } else {
                throw ARMError(
                    status: 404, code: "ResourceNotFound",
                    message:
                        "The requested path '\(segments.joined(separator: "/"))' is not an API Management entity path.")
            }
        } catch {
            var failed = EmuResponse.error(error)
            failed.headers.append(contentsOf: limit.headers)
            return failed
        }
        response.headers.append(contentsOf: limit.headers)
        if options.stateFile != nil, ["PUT", "PATCH", "DELETE", "POST"].contains(request.method),
            response.status < 300
        {
            persist()
        }
        return response
    }

    static let logger = Logger(label: "apimsync.emulator")

    private func persist() {
        guard let file = options.stateFile else { return }
        do {
            try Self.write(state, to: file)
        } catch {
            // A failed write must not go unnoticed; the request still succeeded in memory.
            Self.logger.error("cannot write the state file", metadata: ["file": "\(file)", "error": "\(error)"])
        }
    }

    private func authenticate(_ request: EmuRequest) throws(ARMError) -> String {
        let challenge = (
            "WWW-Authenticate",
            "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\""
        )
        guard let header = request.header("authorization"), header.lowercased().hasPrefix("bearer ") else {
            var error = ARMError(
                status: 401, code: "AuthenticationFailed",
                message: "Authentication failed. The 'Authorization' header is missing.")
            error.headers = [challenge]
            throw error
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else {
            var error = ARMError(
                status: 401, code: "AuthenticationFailed",
                message: "Authentication failed. The 'Authorization' header is provided in an invalid format.")
            error.headers = [challenge]
            throw error
        }
        if let expected = options.token, token != expected {
            var error = ARMError(
                status: 401, code: "InvalidAuthenticationToken", message: "The access token is invalid.")
            error.headers = [challenge]
            throw error
        }
        return token
    }

    /// Token buckets per principal. Returns the `x-ms-ratelimit-remaining-*` headers and a 429 when empty.
    private func throttle(principal: String, method: String) -> (headers: [(String, String)], response: EmuResponse?) {
        let spec = options.throttling
        let clazz: String
        switch method {
        case "GET", "HEAD": clazz = "reads"
        case "DELETE": clazz = "deletes"
        default: clazz = "writes"
        }
        let header = "x-ms-ratelimit-remaining-subscription-\(clazz)"
        guard let spec else {
            let fixed = clazz == "reads" ? 249 : 199
            return ([(header, String(fixed))], nil)
        }
        let now = ProcessInfo.processInfo.systemUptime
        var bucket =
            buckets[principal]
            ?? PrincipalBuckets(
                reads: spec.readCapacity, writes: spec.writeCapacity, deletes: spec.deleteCapacity, updated: now)
        let elapsed = max(0, now - bucket.updated)
        bucket.reads = min(spec.readCapacity, bucket.reads + elapsed * spec.readRefillPerSecond)
        bucket.writes = min(spec.writeCapacity, bucket.writes + elapsed * spec.writeRefillPerSecond)
        bucket.deletes = min(spec.deleteCapacity, bucket.deletes + elapsed * spec.deleteRefillPerSecond)
        bucket.updated = now
        var level: Double
        let refill: Double
        switch clazz {
        case "reads": level = bucket.reads; refill = spec.readRefillPerSecond
        case "deletes": level = bucket.deletes; refill = spec.deleteRefillPerSecond
        default: level = bucket.writes; refill = spec.writeRefillPerSecond
        }
        var response: EmuResponse?
        if level >= 1 {
            level -= 1
        } else {
            let wait = refill > 0 ? Int(((1 - level) / refill).rounded(.up)) : 60
            stats.throttled += 1
            response = .error(
                ARMError(
                    status: 429, code: "TooManyRequests",
                    message:
                        "The request is being throttled as the limit has been reached for operation type - \(clazz.capitalized). Please try again after \(max(1, wait)) seconds."
                ))
            response?.headers.append(("Retry-After", String(max(1, wait))))
        }
        switch clazz {
        case "reads": bucket.reads = level
        case "deletes": bucket.deletes = level
        default: bucket.writes = level
        }
        buckets[principal] = bucket
        return ([(header, String(Int(level)))], response)
    }

    /// One PRNG draw per request (when faults are configured), so a seed reproduces the same faults.
    private func injectFault(method: String, path: String) -> EmuResponse? {
        guard !options.faults.isEmpty else { return nil }
        let draw = faultRandom.unit()
        var cumulative = 0.0
        for rule in options.faults.rules where rule.applies(method: method, path: path) {
            cumulative += rule.probability
            guard draw < cumulative else { continue }
            stats.faultsInjected += 1
            switch rule.outcome {
            case .drop:
                var response = EmuResponse(status: 500)
                response.drop = true
                return response
            case .status(let status):
                var error: ARMError
                switch status {
                case 429:
                    error = ARMError(
                        status: 429, code: "TooManyRequests",
                        message: "The request is being throttled (injected fault). Please try again after 1 seconds.")
                    error.headers = [("Retry-After", "1")]
                case 409:
                    error = ARMError(
                        status: 409, code: "PessimisticConcurrencyConflict",
                        message: "Operation on the API is in progress (injected fault).")
                case 412:
                    error = .preconditionFailed
                case 503:
                    error = ARMError(
                        status: 503, code: "ServiceUnavailable",
                        message: "The service is temporarily unavailable (injected fault).")
                    error.headers = [("Retry-After", "1")]
                case 500:
                    error = ARMError(
                        status: 500, code: "InternalServerError",
                        message: "An unexpected error occurred (injected fault).")
                default:
                    error = ARMError(status: status, code: "InjectedFault", message: "Injected fault \(status).")
                }
                return .error(error)
            }
        }
        return nil
    }

    private func serviceResource(_ request: EmuRequest) -> EmuResponse {
        let body: JSONValue = .object(
            JSONObject([
                ("id", .string(servicePath)), ("name", .string(options.serviceName)),
                ("type", "Microsoft.ApiManagement/service"), ("location", "West Europe"),
                ("etag", "\"AAAAAAAAAAE=\""),
                (
                    "properties",
                    .object(
                        JSONObject([
                            ("provisioningState", "Succeeded"), ("publisherEmail", "apim@example.com"),
                            ("publisherName", "apimsync"),
                            ("gatewayUrl", .string("https://\(options.serviceName).azure-api.net")),
                            ("managementApiUrl", .string("https://\(options.serviceName).management.azure-api.net")),
                        ]))
                ),
                ("sku", .object(JSONObject([("name", "Developer"), ("capacity", 1)]))),
            ]))
        return .json(200, body)
    }
}
