import Foundation

/// ARM's token-bucket throttling (apim-rest.md §12): per principal, one bucket each for reads, writes and deletes.
struct TokenBuckets: Sendable {
    /// The operation class a request draws from.
    enum OperationClass: String, Sendable {
        case reads, writes, deletes

        init(method: String) {
            switch method {
            case "GET", "HEAD": self = .reads
            case "DELETE": self = .deletes
            default: self = .writes
            }
        }
    }

    /// What a request got: the `x-ms-ratelimit-remaining-*` header, and a 429 when its bucket was empty.
    struct Outcome: Sendable {
        var headers: [(String, String)]
        var throttled: EmuResponse?
    }

    private struct Levels: Sendable {
        var reads: Double
        var writes: Double
        var deletes: Double
        var updated: Double
    }

    /// `nil`: no throttling (the headers still report a full bucket).
    let spec: ThrottlingSpec?
    private var levels: [String: Levels] = [:]

    init(spec: ThrottlingSpec?) { self.spec = spec }

    /// Takes one token for `method` from `principal`'s bucket at uptime `now` (seconds).
    mutating func take(principal: String, method: String, now: Double) -> Outcome {
        let operationClass = OperationClass(method: method)
        let header = "x-ms-ratelimit-remaining-subscription-\(operationClass.rawValue)"
        guard let spec else {
            return Outcome(headers: [(header, operationClass == .reads ? "249" : "199")], throttled: nil)
        }
        var bucket =
            levels[principal]
            ?? Levels(reads: spec.readCapacity, writes: spec.writeCapacity, deletes: spec.deleteCapacity, updated: now)
        let elapsed = max(0, now - bucket.updated)
        bucket.reads = min(spec.readCapacity, bucket.reads + elapsed * spec.readRefillPerSecond)
        bucket.writes = min(spec.writeCapacity, bucket.writes + elapsed * spec.writeRefillPerSecond)
        bucket.deletes = min(spec.deleteCapacity, bucket.deletes + elapsed * spec.deleteRefillPerSecond)
        bucket.updated = now
        let path: WritableKeyPath<Levels, Double> =
            switch operationClass {
            case .reads: \.reads
            case .writes: \.writes
            case .deletes: \.deletes
            }
        let refill =
            switch operationClass {
            case .reads: spec.readRefillPerSecond
            case .writes: spec.writeRefillPerSecond
            case .deletes: spec.deleteRefillPerSecond
            }
        var throttled: EmuResponse?
        if bucket[keyPath: path] >= 1 {
            bucket[keyPath: path] -= 1
        } else {
            let wait = max(1, refill > 0 ? Int(((1 - bucket[keyPath: path]) / refill).rounded(.up)) : 60)
            throttled = .error(
                ARMError(
                    status: 429, code: "TooManyRequests",
                    message:
                        "The request is being throttled as the limit has been reached for operation type - \(operationClass.rawValue.capitalized). Please try again after \(wait) seconds."
                ))
            throttled?.headers.append(("Retry-After", String(wait)))
        }
        levels[principal] = bucket
        return Outcome(headers: [(header, String(Int(bucket[keyPath: path])))], throttled: throttled)
    }
}
