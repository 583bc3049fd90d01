/// Team rules every policy document must follow (`policyRules` in `apimsync.yaml`), checked by `validate`
/// before anything reaches APIM.
public struct PolicyRules: Sendable, Hashable {
    /// How a broken rule is reported.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        case error, warning
    }

    /// The sections of API, operation and product policies that must keep `<base />`, so the policies of the
    /// scopes above (global, product, API) still run there. `requireBase: true` means inbound, outbound and
    /// on-error: a backend section commonly replaces `<base />` with its own `<forward-request>` (in a `<retry>`).
    public var requireBaseIn: [String]
    /// Policy elements no document may use (e.g. `send-request`, `set-backend-service`).
    public var forbiddenElements: [String]
    public var severity: Severity

    /// The sections `requireBase: true` stands for.
    public static let defaultBaseSections = ["inbound", "outbound", "on-error"]

    public init(requireBaseIn: [String] = [], forbiddenElements: [String] = [], severity: Severity = .error) {
        self.requireBaseIn = requireBaseIn
        self.forbiddenElements = forbiddenElements
        self.severity = severity
    }
}
