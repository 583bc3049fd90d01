/// Seeded fault injection (`FaultSpec`): one PRNG draw per request when faults are configured, so a seed reproduces
/// the same faults for the same request order. Faults are decided before a request is applied.
struct FaultInjector: Sendable {
    let spec: FaultSpec
    /// `Retry-After` of injected 429 and 503 answers, in seconds.
    let retryAfterSeconds: Int
    private var random: SeededGenerator

    init(spec: FaultSpec, seed: UInt64, retryAfterSeconds: Int = 1) {
        self.spec = spec
        self.retryAfterSeconds = retryAfterSeconds
        self.random = SeededGenerator(seed: seed)
    }

    /// What a drawn fault does to a request.
    enum Injected {
        /// Answer this instead of applying the request.
        case response(EmuResponse)
        /// Accept the write as a long-running operation that never finishes, without applying it.
        case stuck
        /// Apply the request, then drop the connection instead of answering.
        case lost
    }

    /// The injected answer for `method` on the service-relative `path`, if the draw hits a rule.
    mutating func fault(method: String, path: String) -> Injected? {
        guard !spec.isEmpty else { return nil }
        let draw = random.unit()
        var cumulative = 0.0
        let writes = ["PUT", "PATCH", "DELETE"].contains(method)
        for rule in spec.rules where rule.applies(method: method, path: path) && (writes || rule.outcome != .stuck) {
            cumulative += rule.probability
            guard draw < cumulative else { continue }
            switch rule.outcome {
            case .drop:
                var response = EmuResponse(status: 500)
                response.drop = true
                return .response(response)
            case .status(let status):
                return .response(.error(error(status)))
            case .stuck:
                return .stuck
            case .lost:
                return .lost
            }
        }
        return nil
    }

    /// The ARM error an injected status answers with.
    private func error(_ status: Int) -> ARMError {
        var error: ARMError
        switch status {
        case 429:
            error = ARMError(
                status: 429, code: "TooManyRequests",
                message:
                    "The request is being throttled (injected fault). Please try again after \(retryAfterSeconds) seconds."
            )
            error.headers = [("Retry-After", String(retryAfterSeconds))]
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
            error.headers = [("Retry-After", String(retryAfterSeconds))]
        case 500:
            error = ARMError(
                status: 500, code: "InternalServerError", message: "An unexpected error occurred (injected fault).")
        default:
            error = ARMError(status: status, code: "InjectedFault", message: "Injected fault \(status).")
        }
        return error
    }
}
