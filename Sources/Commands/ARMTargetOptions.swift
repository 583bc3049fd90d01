import ArgumentParser
import ManagementClient
import Model

/// An APIM service given on the command line rather than by an environment of apimsync.yaml: for `auth check`
/// and for `export` before a repository exists. Explicit flags win over an environment's target.
struct ARMTargetOptions: ParsableArguments {
    @Option(help: "Resource-manager URL (default: the cloud's; http only to loopback, e.g. a separate emulator).")
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

    /// Whether the service's coordinates were given (all three: `validate` allows nothing in between).
    var namesService: Bool { subscriptionID != nil }

    func validate() throws {
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
            throw ValidationError("give all of --subscription-id, --resource-group and --service, or none")
        }
    }

    /// The flags over `base` (an environment's target): each given flag replaces the environment's value.
    func target(over base: ARMTarget? = nil) -> ARMTarget? {
        guard let subscriptionID = subscriptionID ?? base?.subscriptionId,
            let resourceGroup = resourceGroup ?? base?.resourceGroup, let service = service ?? base?.service
        else { return nil }
        var target = ARMTarget(
            endpoint: endpoint ?? base?.endpoint, subscriptionId: subscriptionID, resourceGroup: resourceGroup,
            service: service, cloud: base?.cloud ?? "AzureCloud", customResourceManager: base?.customResourceManager,
            customAuthority: base?.customAuthority, auth: auth ?? base?.auth ?? "default")
        if let cloud {
            target.cloud = cloud
            target.customResourceManager = nil
            target.customAuthority = nil
        }
        return target
    }
}
