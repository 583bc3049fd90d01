import Foundation
import Model

/// A gateway test (`kind: GatewayTest` in `tests/*.yaml`): backend behaviour to simulate, a sequence of requests and
/// clock moves, and what must come back.
public struct GatewayScenario: Sendable {
    public var name: String
    public var description: String?
    /// Where the scenario starts (`tests/failover.yaml:3`).
    public var location: String
    /// Scripts of simulated backends by host, set before the first step.
    public var backends: [String: BackendScript]
    public var steps: [ScenarioStep]
    /// Checked after the last step.
    public var metrics: [MetricExpectation]
    /// Requests each simulated host must have received by the end (`apimaoai01.openai.azure.com: 2`).
    public var backendCalls: [String: Int]

    public init(
        name: String, description: String? = nil, location: String, backends: [String: BackendScript] = [:],
        steps: [ScenarioStep] = [], metrics: [MetricExpectation] = [], backendCalls: [String: Int] = [:]
    ) {
        self.name = name
        self.description = description
        self.location = location
        self.backends = backends
        self.steps = steps
        self.metrics = metrics
        self.backendCalls = backendCalls
    }
}

/// One step of a scenario.
public enum ScenarioStep: Sendable {
    case request(ScenarioRequest)
    /// Moves the gateway's clock forward.
    case advance(seconds: Double, location: String)
    /// Re-scripts a simulated backend.
    case script(host: String, BackendScript, location: String)
}

/// A request sent (possibly several times) and what its answer must be.
public struct ScenarioRequest: Sendable {
    public var method: String
    /// Path and query (`/aoai/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`).
    public var path: String
    /// The subscription whose primary key is sent, by name; its key goes in the API's key header.
    public var subscription: String?
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var clientIP: String
    /// How many times it is sent; the expectations apply to the last answer (`expectEach` to every one).
    public var repeatCount: Int
    public var expect: ResponseExpectation
    public var expectEach: ResponseExpectation?
    public var location: String

    public init(
        method: String, path: String, subscription: String? = nil, headers: [(String, String)] = [],
        body: [UInt8] = [], clientIP: String = "127.0.0.1", repeatCount: Int = 1,
        expect: ResponseExpectation = ResponseExpectation(), expectEach: ResponseExpectation? = nil,
        location: String
    ) {
        self.method = method
        self.path = path
        self.subscription = subscription
        self.headers = headers
        self.body = body
        self.clientIP = clientIP
        self.repeatCount = repeatCount
        self.expect = expect
        self.expectEach = expectEach
        self.location = location
    }
}

/// What an answer must hold.
public struct ResponseExpectation: Sendable {
    public var status: Int?
    /// Header values (nil: the header must be absent).
    public var headers: [(String, String?)]
    /// Values at paths of the JSON body (`error.code`, `choices[0].message.role`).
    public var body: [(String, JSONValue)]
    public var bodyContains: String?
    /// The backend entity that served it (`x-apimsync-backend`).
    public var backend: String?
    /// The simulated instance that answered (`x-apimsync-instance`).
    public var instance: String?
    /// What the backend received: header values (nil: absent), e.g. the managed-identity token's presence.
    public var backendReceived: [(String, String?)]
    /// Whether the backend received a bearer token from the gateway's managed identity.
    public var managedIdentity: Bool?

    public init(
        status: Int? = nil, headers: [(String, String?)] = [], body: [(String, JSONValue)] = [],
        bodyContains: String? = nil, backend: String? = nil, instance: String? = nil,
        backendReceived: [(String, String?)] = [], managedIdentity: Bool? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyContains = bodyContains
        self.backend = backend
        self.instance = instance
        self.backendReceived = backendReceived
        self.managedIdentity = managedIdentity
    }

    var isEmpty: Bool {
        status == nil && headers.isEmpty && body.isEmpty && bodyContains == nil && backend == nil && instance == nil
            && backendReceived.isEmpty && managedIdentity == nil
    }
}

/// A token metric that must have been emitted: its name and dimensions, and its summed value when given.
public struct MetricExpectation: Sendable {
    public var name: String
    public var namespace: String?
    public var dimensions: [String: String]
    public var value: Int?
    public var location: String

    public init(
        name: String, namespace: String? = nil, dimensions: [String: String] = [:], value: Int? = nil, location: String
    ) {
        self.name = name
        self.namespace = namespace
        self.dimensions = dimensions
        self.value = value
        self.location = location
    }
}
