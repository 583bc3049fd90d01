import ArgumentParser
import Foundation
import Logging
import ManagementClient
import Manifests
import Model

/// `apimsync auth`: credential diagnostics.
public struct AuthCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Check Azure credentials.",
        subcommands: [Check.self]
    )

    public init() {}

    /// `apimsync auth check`: which credential works, for which tenant until when, and whether it can read the
    /// target service. Never prints the token.
    public struct Check: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Acquire a token and read the target APIM service, without printing the token."
        )

        @Option(help: "Resource-manager URL (default: the cloud's; the emulator's http://127.0.0.1:PORT for tests).")
        var endpoint: String?

        @Option(name: .customLong("subscription-id"), help: "Azure subscription id of the APIM service.")
        var subscriptionID: String?

        @Option(name: .customLong("resource-group"), help: "Resource group of the APIM service.")
        var resourceGroup: String?

        @Option(help: "APIM service name.")
        var service: String?

        @Option(
            help: ArgumentHelp(
                "Credential: default | clientSecret | workloadIdentity | managedIdentity | azureCli | token."))
        var auth: String?

        @Option(help: "Cloud: AzureCloud | AzureUSGovernment | AzureChinaCloud.")
        var cloud: String?

        @Option(
            help: ArgumentHelp(
                "Take the target (endpoint, subscription, resource group, service, cloud, auth) from this environment "
                    + "of apimsync.yaml; explicit flags win.", valueName: "name"))
        var env: String?

        @Option(help: ArgumentHelp("The repository configuration for --env.", valueName: "path"))
        var config: String?

        public init() {}

        public func validate() throws {
            if let auth, CredentialKind(name: auth) == nil {
                let names = CredentialKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("unknown --auth '\(auth)'; expected one of \(names)")
            }
            if let cloud, AzureCloud.named(cloud) == nil {
                throw ValidationError(
                    "unknown --cloud '\(cloud)'; expected AzureCloud, AzureUSGovernment or AzureChinaCloud")
            }
            if let endpoint {
                do {
                    try TransportSecurity.validate(endpoint)
                } catch {
                    throw ValidationError("--endpoint: \(error)")
                }
            }
            let coordinates = [subscriptionID, resourceGroup, service].compactMap { $0 }
            if !coordinates.isEmpty, coordinates.count != 3 {
                throw ValidationError("--subscription-id, --resource-group and --service go together")
            }
        }

        public func run() async throws {
            var auth = self.auth
            var cloud = self.cloud
            var endpoint = self.endpoint
            var subscriptionID = self.subscriptionID
            var resourceGroup = self.resourceGroup
            var service = self.service
            if let env {
                guard let path = ManifestLoader.locateConfig(explicit: config) else {
                    throw ValidationError("no apimsync.yaml found in ./ or ./manifests/; pass --config PATH")
                }
                let (loaded, diagnostics) = ManifestLoader(configPath: path).loadConfiguration()
                for diagnostic in diagnostics { printError(diagnostic.description) }
                guard let environment = loaded?.environments[env] else {
                    throw ValidationError("environment '\(env)' is not defined in \(path)")
                }
                guard case .arm(let target) = environment.target else {
                    print("environment '\(env)' targets the embedded emulator: no Azure credential is used")
                    return
                }
                auth = auth ?? target.auth
                cloud = cloud ?? (target.cloud == "custom" ? nil : target.cloud)
                endpoint = endpoint ?? target.endpoint ?? target.customResourceManager
                subscriptionID = subscriptionID ?? target.subscriptionId
                resourceGroup = resourceGroup ?? target.resourceGroup
                service = service ?? target.service
            }
            guard let kind = CredentialKind(name: auth ?? "default"),
                let namedCloud = AzureCloud.named(cloud ?? "AzureCloud")
            else {
                throw ValidationError("invalid --auth or --cloud")
            }
            var azureCloud = namedCloud
            if let endpoint {
                // The emulator or another endpoint: its own resource manager, the named cloud's authority and audience.
                azureCloud = .custom(
                    resourceManager: endpoint, authorityHost: namedCloud.authorityHost, audience: namedCloud.audience)
            }
            let options = CredentialOptions(cloud: azureCloud)
            let credential = Credentials.make(kind, options: options)
            let token: AccessToken
            do {
                token = try await credential.token(for: azureCloud.scope)
            } catch {
                printError("error: \(error)")
                throw ExitCode.failure
            }
            let used = (credential as? ChainedTokenCredential)?.selectedCredentialName ?? credential.credentialName
            let claims = TokenClaims(jwt: token.token)
            print("credential: \(used)" + (kind == .default ? " (via the default chain)" : ""))
            print("cloud:      \(namedCloud.name)")
            print("endpoint:   \(azureCloud.resourceManager)")
            print("tenant:     \(claims?.tenantID ?? "unknown (not a JWT)")")
            if let principal = claims?.userName ?? claims?.appID ?? claims?.objectID {
                print("principal:  \(principal)")
            }
            let minutes = Int(token.expiresOn.timeIntervalSinceNow / 60)
            print("expires:    \(ISO8601DateFormatter().string(from: token.expiresOn)) (in \(minutes) min)")

            guard let subscriptionID, let resourceGroup, let service else {
                print("service:    not checked (pass --subscription-id, --resource-group and --service)")
                return
            }
            let configuration = ARMClientConfiguration(
                resourceManagerURL: azureCloud.resourceManager, subscriptionID: subscriptionID,
                resourceGroup: resourceGroup, serviceName: service, scope: azureCloud.scope,
                retry: RetryPolicy(maxAttempts: 3, maxElapsedSeconds: 60))
            do {
                let client = try ARMClient(configuration: configuration, credential: credential)
                let response = try await client.get("apis", query: [("$top", "1")])
                print("service:    \(configuration.servicePath)")
                print("read:       GET apis -> HTTP \(response.status) (x-ms-request-id \(response.requestID ?? "-"))")
            } catch {
                printError("error: \(error)")
                throw ExitCode.failure
            }
        }

        private func printError(_ text: String) {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }
}
