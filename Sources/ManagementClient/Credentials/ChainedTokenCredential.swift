import Foundation
import Logging
import Synchronization

/// Tries credentials in order, like azure-identity's DefaultAzureCredential: an unavailable credential passes
/// to the next, one that is configured but fails stops the chain. The first that succeeds is used from then on.
public final class ChainedTokenCredential: TokenCredential {
    public let credentialName: String
    /// The members, in order.
    public let credentials: [any TokenCredential]
    private let selected = Mutex<Int?>(nil)
    private let logger: Logger

    public init(
        name: String = "chain", credentials: [any TokenCredential], logger: Logger = Logger(label: "apimsync.auth")
    ) {
        credentialName = name
        self.credentials = credentials
        self.logger = logger
    }

    /// The name of the member that produced the last token, if any has.
    public var selectedCredentialName: String? {
        selected.withLock { $0 }.map { credentials[$0].credentialName }
    }

    public func invalidateToken(for scope: String) async {
        if let index = selected.withLock({ $0 }) { await credentials[index].invalidateToken(for: scope) }
    }

    public func token(for scope: String) async throws -> AccessToken {
        if let index = selected.withLock({ $0 }) {
            return try await credentials[index].token(for: scope)
        }
        var attempts: [CredentialError] = []
        for (index, credential) in credentials.enumerated() {
            logger.trace("trying credential", metadata: ["credential": "\(credential.credentialName)"])
            do {
                let token = try await credential.token(for: scope)
                selected.withLock { $0 = index }
                logger.debug("credential selected", metadata: ["credential": "\(credential.credentialName)"])
                return token
            } catch let error as CredentialError {
                attempts.append(
                    CredentialError(credential: credential.credentialName, kind: error.kind, reason: error.reason))
                if error.kind == .authenticationFailed {
                    throw CredentialError(
                        credential: credentialName, kind: .authenticationFailed,
                        reason: "\(credential.credentialName) is configured but failed", attempts: attempts)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                attempts.append(.failed(credential.credentialName, "\(type(of: error))"))
                throw CredentialError(
                    credential: credentialName, kind: .authenticationFailed,
                    reason: "\(credential.credentialName) failed", attempts: attempts)
            }
        }
        throw CredentialError(
            credential: credentialName, kind: .unavailable, reason: "no credential produced a token",
            attempts: attempts)
    }
}

/// Claims read (not verified) from a JWT access token, for `auth check`.
public struct TokenClaims: Sendable, Hashable {
    /// `tid`: the tenant.
    public var tenantID: String?
    /// `oid`: the principal's object id.
    public var objectID: String?
    /// `appid` / `azp`: the client application.
    public var appID: String?
    /// `upn` / `unique_name` / `preferred_username`, for users.
    public var userName: String?
    /// `aud`.
    public var audience: String?
    /// `exp`.
    public var expiresOn: Date?

    /// Parses the payload of a JWT; nil when the token is not one.
    public init?(jwt: String) {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        tenantID = object["tid"] as? String
        objectID = object["oid"] as? String
        appID = (object["appid"] as? String) ?? (object["azp"] as? String)
        userName =
            (object["upn"] as? String) ?? (object["unique_name"] as? String)
            ?? (object["preferred_username"] as? String)
        audience = object["aud"] as? String
        if let exp = object["exp"] as? Double {
            expiresOn = Date(timeIntervalSince1970: exp)
        } else if let exp = object["exp"] as? Int {
            expiresOn = Date(timeIntervalSince1970: Double(exp))
        }
    }
}
