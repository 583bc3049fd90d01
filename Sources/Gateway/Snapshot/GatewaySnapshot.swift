import Foundation
import Model

/// What the local gateway needs to know about an APIM service, read-only: APIs and their operations, policies by
/// scope, fragments, backends, named values (secret values too: the data plane needs them), products and
/// subscriptions. Built from ARM entities (``init(armEntities:sources:)``), so any management endpoint can feed it.
public struct GatewaySnapshot: Sendable {
    public var apis: [GatewayAPI]
    public var versionSets: [String: GatewayVersionSet]
    /// Policies by scope.
    public var policies: [PolicyScope: GatewayPolicy]
    /// Fragments by name (APIM compares fragment ids case-insensitively; keys are lowercased).
    public var fragments: [String: GatewayPolicy]
    /// Backends by name (lowercased keys).
    public var backends: [String: GatewayBackend]
    /// Named values by display name (lowercased keys): `{{name}}` is resolved case-insensitively, as in APIM.
    public var namedValues: [String: String]
    /// Products by name (lowercased keys).
    public var products: [String: GatewayProduct]
    public var subscriptions: [GatewaySubscription]
    /// Users by name (lowercased keys).
    public var users: [String: GatewayUser]

    public init(
        apis: [GatewayAPI] = [], versionSets: [String: GatewayVersionSet] = [:],
        policies: [PolicyScope: GatewayPolicy] = [:], fragments: [String: GatewayPolicy] = [:],
        backends: [String: GatewayBackend] = [:], namedValues: [String: String] = [:],
        products: [String: GatewayProduct] = [:], subscriptions: [GatewaySubscription] = [],
        users: [String: GatewayUser] = [:]
    ) {
        self.apis = apis
        self.versionSets = versionSets
        self.policies = policies
        self.fragments = fragments
        self.backends = backends
        self.namedValues = namedValues
        self.products = products
        self.subscriptions = subscriptions
        self.users = users
    }

    /// The named value `name` (display name, any case).
    public func namedValue(_ name: String) -> String? { namedValues[name.lowercased()] }

    /// The backend `name` (any case).
    public func backend(_ name: String) -> GatewayBackend? { backends[name.lowercased()] }
}

/// A policy's scope in the pipeline global → product → API → operation.
public enum PolicyScope: Sendable, Hashable, CustomStringConvertible {
    case global
    case product(String)
    case api(String)
    case operation(api: String, operation: String)

    /// The service-relative ARM path of the policy (`apis/aoai/policies/policy`).
    public var description: String {
        switch self {
        case .global: "policies/policy"
        case .product(let name): "products/\(name)/policies/policy"
        case .api(let name): "apis/\(name)/policies/policy"
        case .operation(let api, let operation): "apis/\(api)/operations/\(operation)/policies/policy"
        }
    }
}

/// A policy document (or fragment) and where it came from.
public struct GatewayPolicy: Sendable {
    /// The text as the service stores it.
    public var text: String
    public var format: PolicyFormat
    /// The service-relative id, used as the file name when no source is known (`apis/aoai/policies/policy`).
    public var id: String
    /// The text as written in the repository, and its file, when known: statements are then reported at their
    /// `file:line` in that text.
    public var source: PolicySource?

    public init(text: String, format: PolicyFormat, id: String, source: PolicySource? = nil) {
        self.text = text
        self.format = format
        self.id = id
        self.source = source
    }
}

/// Where a stored policy came from: the file a user edits and its text (after `${var}` substitution), read as
/// `rawxml`. When the stored document and this text hold the same elements and attributes, the gateway runs the
/// source's tree, so every statement is placed at its line in the file.
public struct PolicySource: Sendable, Hashable {
    /// The path shown in traces and errors (`manifests/policies/aoai-chat.xml`).
    public var file: String
    public var text: String

    public init(file: String, text: String) {
        self.file = file
        self.text = text
    }
}

/// An API as the gateway matches it.
public struct GatewayAPI: Sendable {
    public var name: String
    public var displayName: String
    /// The path suffix after the gateway host, without leading or trailing `/` (`aoai/openai`).
    public var path: String
    public var protocols: [String]
    public var serviceURL: String?
    public var subscriptionRequired: Bool
    /// Header and query parameter that carry the subscription key.
    public var subscriptionKeyHeader: String
    public var subscriptionKeyQuery: String
    /// The version set's name and this API's version, for versioned APIs.
    public var versionSetName: String?
    public var version: String?
    public var operations: [GatewayOperation]

    public init(
        name: String, displayName: String? = nil, path: String, protocols: [String] = ["https"],
        serviceURL: String? = nil, subscriptionRequired: Bool = true,
        subscriptionKeyHeader: String = "Ocp-Apim-Subscription-Key", subscriptionKeyQuery: String = "subscription-key",
        versionSetName: String? = nil, version: String? = nil, operations: [GatewayOperation] = []
    ) {
        self.name = name
        self.displayName = displayName ?? name
        self.path = path
        self.protocols = protocols
        self.serviceURL = serviceURL
        self.subscriptionRequired = subscriptionRequired
        self.subscriptionKeyHeader = subscriptionKeyHeader
        self.subscriptionKeyQuery = subscriptionKeyQuery
        self.versionSetName = versionSetName
        self.version = version
        self.operations = operations
    }
}

/// An operation: its method and URL template (`/deployments/{deployment-id}/chat/completions?api-version={api-version}`).
public struct GatewayOperation: Sendable {
    public var name: String
    public var displayName: String
    public var method: String
    public var urlTemplate: String

    public init(name: String, displayName: String? = nil, method: String, urlTemplate: String) {
        self.name = name
        self.displayName = displayName ?? name
        self.method = method.uppercased()
        self.urlTemplate = urlTemplate
    }
}

/// An API version set: how a version is selected.
public struct GatewayVersionSet: Sendable {
    public enum Scheme: String, Sendable {
        case segment = "Segment"
        case query = "Query"
        case header = "Header"
    }
    public var scheme: Scheme
    /// The query parameter or header naming the version (for `Query` and `Header`).
    public var parameterName: String?

    public init(scheme: Scheme, parameterName: String? = nil) {
        self.scheme = scheme
        self.parameterName = parameterName
    }
}

/// A backend: a single service or a load-balanced pool.
public struct GatewayBackend: Sendable {
    public var name: String
    public var url: String?
    public var pool: [PoolMember]
    /// The status a pool answers with when none of its members is available (`pool.failureResponse.statusCode`).
    public var poolFailureStatus: Int?
    public var circuitBreakerRules: [CircuitBreakerRule]
    /// Headers and query parameters the gateway adds to each request (values may hold `{{named values}}`).
    public var credentialHeaders: [(String, [String])]
    public var credentialQuery: [(String, [String])]
    /// The resource of `credentials.managedIdentity`, when the backend authenticates with managed identity.
    public var managedIdentityResource: String?

    public var isPool: Bool { !pool.isEmpty }

    public init(
        name: String, url: String? = nil, pool: [PoolMember] = [], poolFailureStatus: Int? = nil,
        circuitBreakerRules: [CircuitBreakerRule] = [], credentialHeaders: [(String, [String])] = [],
        credentialQuery: [(String, [String])] = [], managedIdentityResource: String? = nil
    ) {
        self.name = name
        self.url = url
        self.pool = pool
        self.poolFailureStatus = poolFailureStatus
        self.circuitBreakerRules = circuitBreakerRules
        self.credentialHeaders = credentialHeaders
        self.credentialQuery = credentialQuery
        self.managedIdentityResource = managedIdentityResource
    }

    /// A pool member: a backend name, its priority (lower first) and weight.
    public struct PoolMember: Sendable, Hashable {
        public var backend: String
        public var priority: Int
        public var weight: Int

        public init(backend: String, priority: Int = 1, weight: Int = 1) {
            self.backend = backend
            self.priority = priority
            self.weight = weight
        }
    }
}

/// A circuit-breaker rule (`circuitBreaker.rules[]`, 2023-05-01-preview and later).
public struct CircuitBreakerRule: Sendable, Hashable {
    public var name: String
    /// Failures within ``interval`` that trip the breaker.
    public var failureCount: Int
    public var interval: Double
    public var statusCodeRanges: [ClosedRange<Int>]
    public var tripDuration: Double
    /// Trip for the backend's `Retry-After` instead of ``tripDuration`` when it sends one.
    public var acceptRetryAfter: Bool

    public init(
        name: String, failureCount: Int, interval: Double, statusCodeRanges: [ClosedRange<Int>],
        tripDuration: Double, acceptRetryAfter: Bool
    ) {
        self.name = name
        self.failureCount = failureCount
        self.interval = interval
        self.statusCodeRanges = statusCodeRanges
        self.tripDuration = tripDuration
        self.acceptRetryAfter = acceptRetryAfter
    }
}

/// A product: its APIs (lowercased names).
public struct GatewayProduct: Sendable {
    public var name: String
    public var displayName: String
    public var apis: Set<String>
    public var state: String

    public init(name: String, displayName: String? = nil, apis: Set<String> = [], state: String = "published") {
        self.name = name
        self.displayName = displayName ?? name
        self.apis = Set(apis.map { $0.lowercased() })
        self.state = state
    }
}

/// A subscription: its keys, scope and state.
public struct GatewaySubscription: Sendable {
    public enum Scope: Sendable, Hashable {
        /// Every API of the service (`/apis`).
        case allAPIs
        case api(String)
        case product(String)
    }
    public var name: String
    public var displayName: String
    public var scope: Scope
    public var state: String
    public var primaryKey: String
    public var secondaryKey: String
    /// The owner's user name, when the subscription has one.
    public var user: String?

    public init(
        name: String, displayName: String? = nil, scope: Scope, state: String = "active", primaryKey: String,
        secondaryKey: String, user: String? = nil
    ) {
        self.name = name
        self.displayName = displayName ?? name
        self.scope = scope
        self.state = state
        self.primaryKey = primaryKey
        self.secondaryKey = secondaryKey
        self.user = user
    }
}

/// A user, for `context.User`.
public struct GatewayUser: Sendable {
    public var name: String
    public var email: String
    public var firstName: String
    public var lastName: String

    public init(name: String, email: String = "", firstName: String = "", lastName: String = "") {
        self.name = name
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
    }
}
