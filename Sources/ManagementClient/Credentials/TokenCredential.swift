import Foundation
import Model

/// A source of OAuth bearer tokens, like azure-identity's `TokenCredential`.
public protocol TokenCredential: Sendable {
    /// A token for `scope` (e.g. `https://management.azure.com/.default`), cached until shortly before expiry.
    ///
    /// - Throws: ``CredentialError``.
    func token(for scope: String) async throws -> AccessToken

    /// A short name for messages: `clientSecret`, `managedIdentity`, …
    var credentialName: String { get }

    /// Forgets the cached token for `scope`, so the next call fetches a new one (after ARM rejected it with 401).
    func invalidateToken(for scope: String) async
}

extension TokenCredential {
    public var credentialName: String { String(describing: type(of: self)) }
    public func invalidateToken(for scope: String) async {}
}

/// A bearer token and when it expires. Its descriptions never show the token.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The bearer token.
    public var token: String
    /// When it stops being valid.
    public var expiresOn: Date

    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }

    public var description: String { "AccessToken(expiresOn: \(expiresOn), token: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["expiresOn": expiresOn]) }
}

/// Why a credential produced no token. The message never contains a secret, an assertion or a token.
public struct CredentialError: Error, CustomStringConvertible, Sendable {
    /// Whether the credential could not be tried at all or was tried and refused.
    public enum Kind: Sendable, Hashable {
        /// Not configured here (variables missing, no IMDS, no `az`): a chain moves on to the next credential.
        case unavailable
        /// Configured but failed (the authority refused the secret, `az` failed): a chain stops.
        case authenticationFailed
    }

    /// The credential's name (`clientSecret`, `workloadIdentity`, …, or `default` for the chain).
    public var credential: String
    /// Unavailable or failed.
    public var kind: Kind
    /// Why.
    public var reason: String
    /// For a chain: what each credential tried said, in order.
    public var attempts: [CredentialError]

    public init(credential: String, kind: Kind, reason: String, attempts: [CredentialError] = []) {
        self.credential = credential
        self.kind = kind
        self.reason = reason
        self.attempts = attempts
    }

    public var description: String {
        if attempts.isEmpty {
            let verb = kind == .unavailable ? "is unavailable" : "failed"
            return "\(credential) credential \(verb): \(reason)"
        }
        let tried = attempts.map { "\($0.credential): \($0.reason)" }.joined(separator: "; ")
        return "\(credential) credential: \(reason). Tried \(tried)"
    }

    static func unavailable(_ credential: String, _ reason: String) -> CredentialError {
        CredentialError(credential: credential, kind: .unavailable, reason: reason)
    }

    static func failed(_ credential: String, _ reason: String) -> CredentialError {
        CredentialError(credential: credential, kind: .authenticationFailed, reason: reason)
    }
}

/// Removes secrets from text that is about to become an error message.
enum Redaction {
    static func redact(_ text: String, secrets: [String?]) -> String {
        var result = text
        for case let secret? in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }
}

/// Per-scope token cache: a token is reused until `refreshSkew` before it expires; concurrent callers share
/// one fetch; a failed refresh falls back to the cached token while it is still valid.
actor TokenCache {
    private var tokens: [String: AccessToken] = [:]
    private var inFlight: [String: Task<AccessToken, any Error>] = [:]
    private var forceRefresh: Set<String> = []
    private let refreshSkew: TimeInterval
    private let now: @Sendable () -> Date

    init(refreshSkew: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.refreshSkew = refreshSkew
        self.now = now
    }

    func token(
        for scope: String, fetch: @escaping @Sendable () async throws -> AccessToken
    ) async throws
        -> AccessToken
    {
        let current = now()
        if !forceRefresh.contains(scope), let cached = tokens[scope],
            cached.expiresOn.timeIntervalSince(current) > refreshSkew
        {
            return cached
        }
        if let running = inFlight[scope] { return try await running.value }
        if forceRefresh.remove(scope) != nil { tokens[scope] = nil }
        let task = Task { try await fetch() }
        inFlight[scope] = task
        defer { inFlight[scope] = nil }
        do {
            let fresh = try await task.value
            tokens[scope] = fresh
            return fresh
        } catch {
            if let cached = tokens[scope], cached.expiresOn > now() { return cached }
            throw error
        }
    }

    /// Makes the next call for `scope` fetch a new token.
    func invalidate(_ scope: String) {
        forceRefresh.insert(scope)
    }
}

/// Reads `expires_in` / `expires_on` (numbers or numeric strings) from a token response.
enum TokenExpiry {
    static func seconds(_ value: JSONValue?) -> Double? {
        if let number = value?.numberValue { return number }
        if let text = value?.stringValue { return Double(text.trimmingCharacters(in: .whitespaces)) }
        return nil
    }
}
