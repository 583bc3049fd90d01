import Model

/// The APIM service a plan was made against, as plans and apply name it: which environment, which endpoint, and
/// which service in which subscription and resource group.
public struct PlanTarget: Sendable, Hashable, CustomStringConvertible {
    public var environment: String
    /// The resource-manager URL, or `embedded emulator (<state file>)`.
    public var endpoint: String
    public var subscriptionId: String
    public var resourceGroup: String
    public var service: String

    public init(environment: String, endpoint: String, subscriptionId: String, resourceGroup: String, service: String) {
        self.environment = environment
        self.endpoint = endpoint
        self.subscriptionId = subscriptionId
        self.resourceGroup = resourceGroup
        self.service = service
    }

    /// `prod → enterpriseapim in rg-ai-gateway (subscription 0000…, https://management.azure.com)`.
    public var description: String {
        "\(environment) → \(service) in \(resourceGroup) (subscription \(subscriptionId), \(endpoint))"
    }

    var json: JSONValue {
        [
            "environment": .string(environment), "endpoint": .string(endpoint),
            "subscriptionId": .string(subscriptionId), "resourceGroup": .string(resourceGroup),
            "service": .string(service),
        ]
    }

    init?(json: JSONValue?) {
        guard let json, let environment = json["environment"]?.stringValue,
            let endpoint = json["endpoint"]?.stringValue, let subscription = json["subscriptionId"]?.stringValue,
            let group = json["resourceGroup"]?.stringValue, let service = json["service"]?.stringValue
        else { return nil }
        self.init(
            environment: environment, endpoint: endpoint, subscriptionId: subscription, resourceGroup: group,
            service: service)
    }
}
