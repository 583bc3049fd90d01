import Foundation
import Logging

/// Everything credentials read from the outside world, injectable for tests.
public struct CredentialOptions: Sendable {
    /// The cloud: its authority host and the ARM scope.
    public var cloud: AzureCloud
    /// Environment variables (`AZURE_TENANT_ID`, `IDENTITY_ENDPOINT`, `APIMSYNC_TOKEN`, `PATH`, …).
    public var environment: [String: String]
    /// Transport for token requests.
    public var transport: any HTTPTransport
    /// The instance metadata service base URL (`http://169.254.169.254`); tests point it at a stand-in.
    public var imdsEndpoint: String
    /// The `az` executable; nil searches `PATH` from ``environment``.
    public var azureCLIPath: String?
    /// The client id of a user-assigned managed identity; nil uses `AZURE_CLIENT_ID` for managed identity
    /// only when no client secret or federated token is configured, else the system-assigned identity.
    public var managedIdentityClientID: String?
    /// Tokens are refreshed this long before they expire, in seconds.
    public var refreshSkewSeconds: Double
    /// Timeout of one token request, in seconds.
    public var requestTimeoutSeconds: Double
    /// Timeout of an IMDS request, in seconds (short: off Azure, nothing answers at 169.254.169.254).
    public var imdsTimeoutSeconds: Double
    /// How long `az account get-access-token` may run, in seconds.
    public var azureCLITimeoutSeconds: Double
    /// The wall clock for token expiry.
    public var now: @Sendable () -> Date
    /// Receives which credential was tried and when a token was acquired (never the token).
    public var logger: Logger

    public init(
        cloud: AzureCloud = .azureCloud, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = AsyncHTTPTransport.shared, imdsEndpoint: String = "http://169.254.169.254",
        azureCLIPath: String? = nil, managedIdentityClientID: String? = nil, refreshSkewSeconds: Double = 300,
        requestTimeoutSeconds: Double = 30, imdsTimeoutSeconds: Double = 3, azureCLITimeoutSeconds: Double = 30,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "apimsync.auth")
    ) {
        self.cloud = cloud
        self.environment = environment
        self.transport = transport
        self.imdsEndpoint = imdsEndpoint
        self.azureCLIPath = azureCLIPath
        self.managedIdentityClientID = managedIdentityClientID
        self.refreshSkewSeconds = refreshSkewSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.imdsTimeoutSeconds = imdsTimeoutSeconds
        self.azureCLITimeoutSeconds = azureCLITimeoutSeconds
        self.now = now
        self.logger = logger
    }

    /// `AZURE_AUTHORITY_HOST` when set, else the cloud's authority host.
    public var authorityHost: String {
        var host = nonEmpty("AZURE_AUTHORITY_HOST") ?? cloud.authorityHost
        while host.hasSuffix("/") { host.removeLast() }
        return host
    }

    /// An environment variable, nil when unset or blank.
    func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    func makeCache() -> TokenCache { TokenCache(refreshSkew: refreshSkewSeconds, now: now) }

    static func duration(_ seconds: Double) -> Duration { .nanoseconds(Int64(seconds * 1e9)) }
}

/// The credentials `--auth` (or `target.auth`) can select.
public enum CredentialKind: String, CaseIterable, Sendable {
    /// The chain: token, client secret, workload identity, managed identity, Azure CLI.
    case `default`
    /// `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`.
    case clientSecret
    /// `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_FEDERATED_TOKEN_FILE` (GitHub Actions OIDC, AKS).
    case workloadIdentity
    /// IMDS, or `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` (App Service, Container Apps).
    case managedIdentity
    /// `az account get-access-token`.
    case azureCli
    /// A static bearer token in `APIMSYNC_TOKEN`.
    case token

    /// Parses a name case-insensitively, accepting `azure-cli`, `client-secret`, … as well.
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        guard let kind = Self.allCases.first(where: { $0.rawValue.lowercased() == key }) else { return nil }
        self = kind
    }
}

/// Builds credentials by name from ``CredentialOptions``.
public enum Credentials {
    /// The credential `kind` names. Credentials whose configuration is missing still build, and say what is
    /// missing when asked for a token.
    public static func make(_ kind: CredentialKind, options: CredentialOptions) -> any TokenCredential {
        switch kind {
        case .default: defaultChain(options: options)
        case .clientSecret: ClientSecretCredential.fromEnvironment(options)
        case .workloadIdentity: WorkloadIdentityCredential.fromEnvironment(options)
        case .managedIdentity: ManagedIdentityCredential(clientID: managedIdentityClientID(options), options: options)
        case .azureCli: AzureCLICredential(options: options)
        case .token: StaticTokenCredential.fromEnvironment(options)
        }
    }

    /// The chain, in order: static token (`APIMSYNC_TOKEN`), client secret, workload identity, managed identity,
    /// Azure CLI. An unset `APIMSYNC_TOKEN` is an unavailable member, so a chain that finds no credential names it.
    public static func defaultChain(options: CredentialOptions) -> ChainedTokenCredential {
        var members: [any TokenCredential] = [StaticTokenCredential.fromEnvironment(options)]
        members.append(ClientSecretCredential.fromEnvironment(options))
        members.append(WorkloadIdentityCredential.fromEnvironment(options))
        members.append(ManagedIdentityCredential(clientID: managedIdentityClientID(options), options: options))
        members.append(AzureCLICredential(options: options))
        return ChainedTokenCredential(name: "default", credentials: members, logger: options.logger)
    }

    /// An explicit client id, else `AZURE_CLIENT_ID` (as azure-identity's DefaultAzureCredential does).
    static func managedIdentityClientID(_ options: CredentialOptions) -> String? {
        options.managedIdentityClientID ?? options.nonEmpty("AZURE_CLIENT_ID")
    }
}

/// A credential that cannot work here; it says why when asked for a token.
public struct UnavailableCredential: TokenCredential {
    public let credentialName: String
    /// What is missing.
    public let reason: String

    public init(name: String, reason: String) {
        credentialName = name
        self.reason = reason
    }

    public func token(for scope: String) async throws -> AccessToken {
        throw CredentialError.unavailable(credentialName, reason)
    }
}
