/// Seeded fault injection (`FaultSpec`): one PRNG draw per request when faults are configured, so a seed reproduces
/// the same faults for the same request order. Faults are decided before a request is applied.
struct FaultInjector: Sendable {
    let spec: FaultSpec
    private var random: SeededGenerator

    init(spec: FaultSpec, seed: UInt64) {
        self.spec = spec
        self.random = SeededGenerator(seed: seed)
    }

    /// The injected answer for `method` on the service-relative `path`, if the draw hits a rule.
    mutating func fault(method: String, path: String) -> EmuResponse? {
        guard !spec.isEmpty else { return nil }
        let draw = random.unit()
        var cumulative = 0.0
        for rule in spec.rules where rule.applies(method: method, path: path) {
            cumulative += rule.probability
            guard draw < cumulative else { continue }
            switch rule.outcome {
            case .drop:
                var response = EmuResponse(status: 500)
                response.drop = true
                return response
            case .status(let status):
                return .error(Self.error(status))
            }
        }
        return nil
    }

    /// The ARM error an injected status answers with.
    private static func error(_ status: Int) -> ARMError {
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
                status: 500, code: "InternalServerError", message: "An unexpected error occurred (injected fault).")
        default:
            error = ARMError(status: status, code: "InjectedFault", message: "Injected fault \(status).")
        }
        return error
    }
}
