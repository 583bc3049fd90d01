/// The repository configuration (`apimsync.yaml`, `kind: Config`).
public struct RepositoryConfig: Sendable, Hashable {
    /// Folders (or files) holding resource manifests, relative to the configuration file.
    public var resources: [String]
    /// Named environments; `local` is the embedded emulator.
    public var environments: [String: EnvironmentConfig]
    public var prune: PruneSettings
    public var policyRules: PolicyRules
    /// Where `apimsync.yaml` is.
    public var origin: SourceLocation?

    public init(
        resources: [String] = ["resources"], environments: [String: EnvironmentConfig] = [:],
        prune: PruneSettings = PruneSettings(), policyRules: PolicyRules = PolicyRules(),
        origin: SourceLocation? = nil
    ) {
        self.resources = resources
        self.environments = environments
        self.prune = prune
        self.policyRules = policyRules
        self.origin = origin
    }

    /// The environment conventionally used when none is named: the embedded emulator.
    public static let defaultEnvironment = "local"

    /// The environment used when none is named: `local` when there is one, else the only environment (a
    /// repository written by `export` has just the one it was exported from); `nil` when there are several and
    /// none is `local`, so the user must choose.
    public var defaultEnvironmentName: String? {
        if environments[Self.defaultEnvironment] != nil { return Self.defaultEnvironment }
        return environments.count == 1 ? environments.keys.first : nil
    }
}

/// One deployment target and the variables substituted into manifests for it.
public struct EnvironmentConfig: Sendable, Hashable {
    public var name: String
    public var target: Target
    public var variables: [String: String]
    /// Folders or files of overlays merged into the manifests for this environment, relative to the configuration.
    public var overlays: [String]
    /// Folders or files of manifests only this environment has, loaded after the repository's own `resources`
    /// (relative to the configuration): a production-only cache, say.
    public var resources: [String]
    /// The ARM api-version this environment's service is managed with (`target.apiVersion`); `nil` for the GA
    /// version apimsync defaults to.
    public var apiVersion: String?

    public init(
        name: String, target: Target, variables: [String: String] = [:], overlays: [String] = [],
        resources: [String] = [], apiVersion: String? = nil
    ) {
        self.name = name
        self.target = target
        self.variables = variables
        self.overlays = overlays
        self.resources = resources
        self.apiVersion = apiVersion
    }
}

/// Which APIM service an environment talks to.
public enum Target: Sendable, Hashable {
    /// The embedded emulator, persisting its state in a file (relative to the configuration).
    case emulator(stateFile: String)
    /// An ARM endpoint: real Azure, or a separately started emulator.
    case arm(ARMTarget)
}

/// An APIM service reached through Azure Resource Manager.
public struct ARMTarget: Sendable, Hashable {
    /// The resource-manager URL; `nil` means the cloud's own.
    public var endpoint: String?
    public var subscriptionId: String
    public var resourceGroup: String
    public var service: String
    /// `AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud` or `custom`.
    public var cloud: String
    /// Custom cloud endpoints, when `cloud` is `custom`.
    public var customResourceManager: String?
    public var customAuthority: String?
    /// `default`, `clientSecret`, `workloadIdentity`, `managedIdentity`, `azureCli` or `token`.
    public var auth: String

    public init(
        endpoint: String? = nil, subscriptionId: String, resourceGroup: String, service: String,
        cloud: String = "AzureCloud", customResourceManager: String? = nil, customAuthority: String? = nil,
        auth: String = "default"
    ) {
        self.endpoint = endpoint
        self.subscriptionId = subscriptionId
        self.resourceGroup = resourceGroup
        self.service = service
        self.cloud = cloud
        self.customResourceManager = customResourceManager
        self.customAuthority = customAuthority
        self.auth = auth
    }
}

/// What apimsync may delete.
public struct PruneSettings: Sendable, Hashable {
    /// Off by default: live objects absent from git are reported, never deleted.
    public var enabled: Bool
    /// A run that would delete more stops before writing anything.
    public var maxDeletes: Int
    /// Glob patterns over `armPath` (`apis/*`): only these may ever be deleted.
    public var owns: [String]
    /// Glob patterns over `armPath` that are never touched.
    public var protect: [String]

    public init(enabled: Bool = false, maxDeletes: Int = 10, owns: [String] = [], protect: [String] = []) {
        self.enabled = enabled
        self.maxDeletes = maxDeletes
        self.owns = owns
        self.protect = protect
    }
}
