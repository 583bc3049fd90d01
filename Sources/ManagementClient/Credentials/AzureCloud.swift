/// An Azure cloud's endpoints: resource manager, Entra ID authority host and the token audience.
public struct AzureCloud: Sendable, Hashable, CustomStringConvertible {
    /// `AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud` or `custom`.
    public var name: String
    /// The resource-manager base URL, e.g. `https://management.azure.com`.
    public var resourceManager: String
    /// The authority host, e.g. `https://login.microsoftonline.com`.
    public var authorityHost: String
    /// The token audience; the ARM scope is `{audience}/.default`.
    public var audience: String

    public init(name: String, resourceManager: String, authorityHost: String, audience: String? = nil) {
        self.name = name
        self.resourceManager = Self.trimmed(resourceManager)
        self.authorityHost = Self.trimmed(authorityHost)
        self.audience = Self.trimmed(audience ?? resourceManager)
    }

    /// Azure public cloud.
    public static let azureCloud = AzureCloud(
        name: "AzureCloud", resourceManager: "https://management.azure.com",
        authorityHost: "https://login.microsoftonline.com")
    /// Azure US Government.
    public static let azureUSGovernment = AzureCloud(
        name: "AzureUSGovernment", resourceManager: "https://management.usgovcloudapi.net",
        authorityHost: "https://login.microsoftonline.us")
    /// Azure operated by 21Vianet (China).
    public static let azureChinaCloud = AzureCloud(
        name: "AzureChinaCloud", resourceManager: "https://management.chinacloudapi.cn",
        authorityHost: "https://login.chinacloudapi.cn")

    /// Custom endpoints (Azure Stack, a sovereign cloud, or an emulator).
    public static func custom(resourceManager: String, authorityHost: String, audience: String? = nil) -> AzureCloud {
        AzureCloud(name: "custom", resourceManager: resourceManager, authorityHost: authorityHost, audience: audience)
    }

    /// The well-known clouds, by name (case-insensitive; `public`, `usgov` and `china` are accepted too).
    public static func named(_ name: String) -> AzureCloud? {
        switch name.lowercased() {
        case "azurecloud", "public", "azurepubliccloud": .azureCloud
        case "azureusgovernment", "usgov", "azureusgovernmentcloud": .azureUSGovernment
        case "azurechinacloud", "china": .azureChinaCloud
        default: nil
        }
    }

    /// The OAuth scope for ARM: `{audience}/.default`.
    public var scope: String { audience + "/.default" }

    public var description: String { name }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
