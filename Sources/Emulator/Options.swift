import Foundation

/// # The APIM management-plane emulator
///
/// A local stand-in for the ARM API of one API Management service, at every api-version the vendored spec describes
/// (`EmulatorInfo.apiVersions`), built from the official spec (`spec/apim/`, as data in `APIMSpec`) and
/// `apim-rest.md`.
///
/// - `EmulatorServer.start(_:)` runs it in-process (port 0 = ephemeral) and returns a `RunningEmulator`;
///   `EmulatorServer.application(_:)` gives the Hummingbird application for router tests;
///   `apimsync emulator` runs it standalone and prints `listening on http://HOST:PORT` first (with `--tls`, a
///   second listener serves HTTPS with a self-signed `EmulatorCertificate`).
/// - Layout: `Server` (Hummingbird adapter, dropped connections) → `EmulatorStore` (one actor composing ARM's front
///   door: `Authenticator`, `TokenBuckets`, `FaultInjector`; `LongRunningOperations`, `StateFile`, request stats) →
///   generic ARM entity semantics over `EntityKind` (each kind's methods, ETags, If-Match, long-running operations,
///   request body definitions and id rules derived from the spec's operations; bodies checked with `SpecValidator`)
///   → `EntityRules` per kind for what the spec cannot say (referential checks, policies, import, documented
///   quirks), with `Policies` (the shared policy reader, APIM's re-serialization), `Import` (OpenAPI, YAML through
///   the `YAML` module), `Seed` (a fresh developer-SKU service), `TokenEndpoint` (Entra ID stand-in) and
///   `Benchmark` (loopback GET load).
/// - Behaviours taken from observed APIM answers (GitHub issues) rather than the swagger are marked where they
///   are implemented; wording that could not be verified is said to be so in a comment.
/// - Fault `drop`: the connection is closed before any byte of a response is written (the request is not
///   applied). Faults and 429s are decided before a request is applied, so every success is applied once — except
///   fault `lost`, which applies the request and then drops the answer, and `stuck`, which accepts a write as a
///   long-running operation that never finishes and does not apply it.
public enum EmulatorInfo {
    /// The GA api-version (the newest stable one); `apiVersions` lists every version served.
    public static let apiVersion = "2024-05-01"
}

/// How an emulator instance is started: address, identity of the emulated service, and the knobs tests use.
public struct EmulatorOptions: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 binds an ephemeral port.
    public var port: Int = 0
    /// Set: a second listener serves the same service over HTTPS with this certificate (for the Azure SDKs,
    /// which send bearer tokens only over TLS), on ``tlsPort``.
    public var tls: EmulatorCertificate? = nil
    /// The HTTPS listener's port when ``tls`` is set; 0 binds an ephemeral port.
    public var tlsPort: Int = 0
    /// Persisted state (JSON, written atomically after each write). `nil` keeps state in memory only.
    public var stateFile: String? = nil
    public var subscriptionId = "00000000-0000-0000-0000-000000000000"
    public var resourceGroup = "rg-ai-gateway"
    public var serviceName = "enterpriseapim"
    /// `nil`: any `Authorization: Bearer x` is accepted; set: only that token.
    public var token: String? = nil
    /// Client id → secret accepted by the stand-in token endpoint (`POST /{tenant}/oauth2/v2.0/token`);
    /// `nil` accepts any client with a secret or a well-formed client assertion.
    public var oauthClients: [String: String]? = nil
    public var latency: LatencySpec? = nil
    public var faults: FaultSpec = FaultSpec()
    /// `Retry-After` (seconds) sent with injected 429 and 503 answers; 0 lets tests retry at once.
    public var faultRetryAfterSeconds: Int = 1
    public var seed: UInt64 = 0
    /// ARM token buckets per principal; `nil` disables throttling.
    public var throttling: ThrottlingSpec? = nil
    /// `> 0`: long-running operations answer 202 and need that many polls of 202 before completing.
    public var asyncPolls: Int = 0
    /// How a pending long-running operation answers first: `.accepted` (202 and no body, as the real service
    /// often does for API PUTs) or `.spec` (the status the swagger lists: 201/200 with
    /// `provisioningState: "InProgress"` for PUTs, 202 only where the spec allows it).
    public var asyncInitialStatus: AsyncInitialStatus = .accepted
    /// `Retry-After` (seconds) sent with 202 answers of pending long-running operations.
    public var asyncRetryAfterSeconds: Int = 1
    public var pageSize: Int = 100
    /// Keep every request and its answer for ``RunningEmulator/requests()`` (tests only: it grows without bound).
    public var recordRequests = false

    public init() {}

    /// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}`.
    public var servicePath: String {
        "/subscriptions/\(subscriptionId)/resourceGroups/\(resourceGroup)/providers/Microsoft.ApiManagement/service/\(serviceName)"
    }
}

/// See `EmulatorOptions.asyncInitialStatus`.
public enum AsyncInitialStatus: String, Sendable, CaseIterable {
    case accepted
    case spec
}

/// An error in a command-line style specification (`--faults`, `--latency-ms`).
public struct EmulatorSpecError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Injected latency: a mean plus a uniform jitter, both in milliseconds (`20` or `20:5`).
public struct LatencySpec: Sendable, Equatable {
    public var meanMilliseconds: Double
    public var jitterMilliseconds: Double

    public init(meanMilliseconds: Double, jitterMilliseconds: Double = 0) {
        self.meanMilliseconds = meanMilliseconds
        self.jitterMilliseconds = jitterMilliseconds
    }

    /// Parses `20` or `20:5`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), let mean = Double(parts[0]), mean >= 0 else {
            throw EmulatorSpecError("invalid latency '\(text)': expected MEAN or MEAN:JITTER in milliseconds")
        }
        var jitter = 0.0
        if parts.count == 2 {
            guard let value = Double(parts[1]), value >= 0 else {
                throw EmulatorSpecError("invalid latency jitter in '\(text)'")
            }
            jitter = value
        }
        self.init(meanMilliseconds: mean, jitterMilliseconds: jitter)
    }
}

/// Seeded fault injection: fractions of requests answered with a status, or dropped (`drop`).
public struct FaultSpec: Sendable, Equatable {
    /// One fault rule: an outcome with a probability, optionally only for one HTTP method and one entity path.
    public struct Rule: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            case status(Int)
            case drop
            /// A write (PUT, PATCH, DELETE) is accepted as a long-running operation that never finishes: 202 with
            /// a `Location` that answers 202 forever, and the write is not applied. Other methods never draw it.
            case stuck
            /// The request is applied, then the connection is closed before the answer is written: the client
            /// cannot tell whether it took effect.
            case lost
        }
        public var method: String?
        /// A service-relative path (`backends/b1`, case-insensitive) the rule is limited to; `nil` for all.
        public var path: String?
        public var outcome: Outcome
        public var probability: Double

        public init(method: String? = nil, path: String? = nil, outcome: Outcome, probability: Double) {
            self.method = method
            self.path = path?.lowercased()
            self.outcome = outcome
            self.probability = probability
        }

        func applies(method: String, path: String) -> Bool {
            (self.method == nil || self.method == method) && (self.path == nil || self.path == path.lowercased())
        }
    }

    public var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    /// Parses `429=0.1,503=0.05,drop=0.02,stuck=0.01,lost=0.01,PUT:503=0.2`; `PUT:400@backends/b1=1` limits a rule to one
    /// entity.
    public init(parsing text: String) throws {
        var rules: [Rule] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !item.isEmpty {
            let pair = item.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
            guard pair.count == 2, let probability = Double(pair[1]), (0...1).contains(probability) else {
                throw EmulatorSpecError(
                    "invalid fault '\(item)': expected [METHOD:]STATUS[@PATH]=FRACTION, or drop, stuck or lost "
                        + "instead of STATUS")
            }
            var key = pair[0]
            var method: String?
            if let colon = key.firstIndex(of: ":") {
                method = key[..<colon].uppercased()
                key = String(key[key.index(after: colon)...])
            }
            var path: String?
            if let at = key.firstIndex(of: "@") {
                path = String(key[key.index(after: at)...])
                key = String(key[..<at])
                guard let path, !path.isEmpty, !path.hasPrefix("/") else {
                    throw EmulatorSpecError(
                        "invalid fault '\(item)': the path after '@' is service-relative, e.g. backends/b1")
                }
            }
            let outcome: Rule.Outcome
            if key.lowercased() == "drop" {
                outcome = .drop
            } else if key.lowercased() == "stuck" {
                outcome = .stuck
            } else if key.lowercased() == "lost" {
                outcome = .lost
            } else if let status = Int(key), (400...599).contains(status) {
                outcome = .status(status)
            } else {
                throw EmulatorSpecError(
                    "invalid fault '\(item)': '\(key)' is neither a 4xx/5xx status nor 'drop', 'stuck' or 'lost'")
            }
            rules.append(Rule(method: method, path: path, outcome: outcome, probability: probability))
        }
        self.init(rules: rules)
    }

    public var isEmpty: Bool { rules.isEmpty }
}

/// ARM token-bucket throttling per principal (bucket size and refill rate per second per operation class).
public struct ThrottlingSpec: Sendable, Equatable {
    public var readCapacity: Double = 250
    public var readRefillPerSecond: Double = 25
    public var writeCapacity: Double = 200
    public var writeRefillPerSecond: Double = 10
    public var deleteCapacity: Double = 200
    public var deleteRefillPerSecond: Double = 10

    /// The ARM defaults (reads 250 @25/s, writes 200 @10/s, deletes 200 @10/s).
    public init() {}

    /// The ARM defaults multiplied by `factor` (both capacity and refill), e.g. 0.01 for tests.
    public static func scaled(_ factor: Double) -> ThrottlingSpec {
        var spec = ThrottlingSpec()
        spec.readCapacity *= factor
        spec.readRefillPerSecond *= factor
        spec.writeCapacity *= factor
        spec.writeRefillPerSecond *= factor
        spec.deleteCapacity *= factor
        spec.deleteRefillPerSecond *= factor
        return spec
    }
}

/// SplitMix64: a small deterministic PRNG so that a seed reproduces the same faults for the same request order.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
