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

        @OptionGroup var target: ARMTargetOptions

        @Option(
            help: ArgumentHelp(
                "Take the target (endpoint, subscription, resource group, service, cloud, auth) from this environment "
                    + "of apimsync.yaml; explicit flags win.", valueName: "name"))
        var env: String?

        @Option(help: ArgumentHelp("The repository configuration for --env.", valueName: "path"))
        var config: String?

        public init() {}

        public func run() async throws {
            var auth = target.auth
            var cloud = target.cloud
            var endpoint = target.endpoint
            var subscriptionID = target.subscriptionID
            var resourceGroup = target.resourceGroup
            var service = target.service
            if let env {
                guard let path = ManifestLoader.locateConfig(explicit: config) else {
                    throw ValidationError("no apimsync.yaml found in ./ or ./manifests/; pass --config PATH")
                }
                let (loaded, diagnostics) = ManifestLoader(configPath: path).loadConfiguration()
                for diagnostic in diagnostics { printError(diagnostic.description) }
                guard let environment = loaded?.environments[env] else {
                    throw ValidationError("environment '\(env)' is not defined in \(path)")
                }
                guard case .arm(let configured) = environment.target else {
                    print("environment '\(env)' targets the embedded emulator: no Azure credential is used")
                    return
                }
                auth = auth ?? configured.auth
                cloud = cloud ?? (configured.cloud == "custom" ? nil : configured.cloud)
                endpoint = endpoint ?? configured.endpoint ?? configured.customResourceManager
                subscriptionID = subscriptionID ?? configured.subscriptionId
                resourceGroup = resourceGroup ?? configured.resourceGroup
                service = service ?? configured.service
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
