import APIMSpec
import Foundation
import Model

/// The emulated APIM service: its state and the handling of every request, isolated in one actor.
///
/// The actor composes the parts of ARM's front door (``Authenticator``, ``TokenBuckets``, ``FaultInjector``), the
/// ``LongRunningOperations``, the ``StateFile`` and the request counters; entity semantics are generic over
/// ``EntityKind`` and specialised per kind by ``EntityRules``.
actor EmulatorStore {
    private(set) var options: EmulatorOptions
    let servicePath: String
    var state: EmulatorState
    let authenticator: Authenticator
    var buckets: TokenBuckets
    var faults: FaultInjector
    var operations: LongRunningOperations
    let stateFile: StateFile?
    private var latencyRandom: SeededGenerator
    var idRandom: SeededGenerator
    var stats = EmulatorStats()
    /// Every exchange, when `options.recordRequests` is set.
    var requestLog: [EmulatorExchange] = []
    /// The api-version of the request being handled (reads at an older version than a write hide newer members).
    var requestVersion: APIVersion = .ga
    /// API exports by link token (`/_emulator/exports/<token>`), until they expire.
    var exports: [String: (text: String, expires: Date)] = [:]

    init(options: EmulatorOptions) throws {
        self.options = options
        self.servicePath = options.servicePath
        self.authenticator = Authenticator(expectedToken: options.token)
        self.buckets = TokenBuckets(spec: options.throttling)
        self.faults = FaultInjector(
            spec: options.faults, seed: options.seed, retryAfterSeconds: options.faultRetryAfterSeconds)
        self.operations = LongRunningOperations(polls: options.asyncPolls)
        self.latencyRandom = SeededGenerator(seed: options.seed ^ 0x1A7E_5C1)
        self.idRandom = SeededGenerator(seed: options.seed ^ 0x5EED_1D5)
        let file = options.stateFile.map(StateFile.init(path:))
        self.stateFile = file
        if let stored = try file?.load() {
            self.state = stored
        } else {
            let fresh = Self.freshState(options)
            self.state = fresh
            try file?.write(fresh)
        }
    }

    private static func freshState(_ options: EmulatorOptions) -> EmulatorState {
        var generator = SeededGenerator(seed: options.seed ^ 0xF1E5)
        return Seed.fresh(options: options, random: &generator)
    }

    /// Back to a fresh service; counters and pending operations are cleared too.
    /// Switches ARM's token buckets on (full) or off, for every principal; the entities stay.
    func setThrottling(_ spec: ThrottlingSpec?) {
        options.throttling = spec
        buckets = TokenBuckets(spec: spec)
    }

    func reset() {
        state = Self.freshState(options)
        buckets = TokenBuckets(spec: options.throttling)
        faults = FaultInjector(
            spec: options.faults, seed: options.seed, retryAfterSeconds: options.faultRetryAfterSeconds)
        operations = LongRunningOperations(polls: options.asyncPolls)
        latencyRandom = SeededGenerator(seed: options.seed ^ 0x1A7E_5C1)
        idRandom = SeededGenerator(seed: options.seed ^ 0x5EED_1D5)
        stats = EmulatorStats()
        exports = [:]
        try? stateFile?.write(state)
    }

    func currentStats() -> EmulatorStats { stats }

    // MARK: - Request entry point

    func handle(_ request: EmuRequest) -> EmuResponse {
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
        stats.count(method: request.method, kind: kindLabel, status: response.drop ? 0 : response.status)
        record(request, response)
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

    /// ARM's request headers on every answer; the client's request id is echoed.
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
}
