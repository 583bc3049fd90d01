import Logging

/// Where an ``ARMClient`` points and how it behaves.
public struct ARMClientConfiguration: Sendable {
    /// The resource-manager base URL, e.g. `https://management.azure.com` or the emulator's
    /// `http://127.0.0.1:PORT`. Must be https, or http to loopback.
    public var resourceManagerURL: String
    /// The Azure subscription id.
    public var subscriptionID: String
    /// The resource group of the APIM service.
    public var resourceGroup: String
    /// The APIM service name.
    public var serviceName: String
    /// The OAuth scope requested for ARM, e.g. `https://management.azure.com/.default`.
    public var scope: String
    /// Retry behaviour.
    public var retry: RetryPolicy
    /// Concurrency and rate limits.
    public var pacing: PacingPolicy
    /// The longest a long-running operation may run before the client gives up, in seconds.
    public var longRunningTimeoutSeconds: Double
    /// The polling interval of long-running operations when ARM sends no `Retry-After`, in seconds.
    public var pollingIntervalSeconds: Double
    /// The shortest polling interval, even when `Retry-After` asks for less, in seconds.
    public var minimumPollingIntervalSeconds: Double
    /// The `User-Agent` sent.
    public var userAgent: String
    /// The `api-version` every request carries (the environment's `target.apiVersion`).
    public var apiVersion: String

    public init(
        resourceManagerURL: String, subscriptionID: String, resourceGroup: String, serviceName: String,
        scope: String? = nil, retry: RetryPolicy = .default, pacing: PacingPolicy = .default,
        longRunningTimeoutSeconds: Double = 1800, pollingIntervalSeconds: Double = 5,
        minimumPollingIntervalSeconds: Double = 1, userAgent: String = "apimsync/0.1",
        apiVersion: String = ARMClient.apiVersion
    ) {
        self.resourceManagerURL = resourceManagerURL
        self.subscriptionID = subscriptionID
        self.resourceGroup = resourceGroup
        self.serviceName = serviceName
        self.scope = scope ?? ARMClientConfiguration.defaultScope(for: resourceManagerURL)
        self.retry = retry
        self.pacing = pacing
        self.longRunningTimeoutSeconds = longRunningTimeoutSeconds
        self.pollingIntervalSeconds = pollingIntervalSeconds
        self.minimumPollingIntervalSeconds = minimumPollingIntervalSeconds
        self.userAgent = userAgent
        self.apiVersion = apiVersion
    }

    /// A configuration for a cloud's resource manager.
    public init(
        cloud: AzureCloud, subscriptionID: String, resourceGroup: String, serviceName: String,
        retry: RetryPolicy = .default, pacing: PacingPolicy = .default
    ) {
        self.init(
            resourceManagerURL: cloud.resourceManager, subscriptionID: subscriptionID, resourceGroup: resourceGroup,
            serviceName: serviceName, scope: cloud.scope, retry: retry, pacing: pacing
        )
    }

    /// `{resourceManager}/.default`.
    public static func defaultScope(for resourceManagerURL: String) -> String {
        var base = resourceManagerURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/.default"
    }

    /// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}`.
    public var servicePath: String {
        "/subscriptions/\(ARMURL.encodeSegment(subscriptionID))/resourceGroups/\(ARMURL.encodeSegment(resourceGroup))"
            + "/providers/Microsoft.ApiManagement/service/\(ARMURL.encodeSegment(serviceName))"
    }
}

/// Builds ARM URLs: service-relative paths, percent-encoded segments, `api-version` always present.
enum ARMURL {
    /// Characters left as-is in a path segment (RFC 3986 `pchar` without `/`).
    private static let segmentAllowed: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".utf8)
    )
    /// Characters left as-is in a query value (unreserved plus a few OData-safe ones).
    private static let queryAllowed: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$'(),:@/".utf8)
    )
    /// Characters left as-is in `application/x-www-form-urlencoded` values.
    private static let formAllowed: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    )

    static func encodeSegment(_ text: String) -> String { percentEncode(text, allowed: segmentAllowed) }
    static func encodeQueryValue(_ text: String) -> String { percentEncode(text, allowed: queryAllowed) }
    static func encodeFormValue(_ text: String) -> String { percentEncode(text, allowed: formAllowed) }

    /// A path of raw names separated by `/`, each segment percent-encoded.
    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).map { encodeSegment(String($0)) }
            .joined(separator: "/")
    }

    /// `key=value&…` with values encoded; keys are sent as written (`$filter`, `$top`).
    static func query(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\(encodeQueryValue($0.1))" }.joined(separator: "&")
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ items: [(String, String)]) -> String {
        items.map { "\(encodeFormValue($0.0))=\(encodeFormValue($0.1))" }.joined(separator: "&")
    }

    private static func percentEncode(_ text: String, allowed: Set<UInt8>) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if allowed.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
