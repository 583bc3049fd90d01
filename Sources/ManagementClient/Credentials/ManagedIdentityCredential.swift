import Foundation
import Logging
import Model

/// An Azure managed identity: App Service / Container Apps (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`,
/// api-version 2019-08-01) when those are set, else the instance metadata service (IMDS, api-version 2018-02-01).
/// A user-assigned identity is chosen by client id.
public struct ManagedIdentityCredential: TokenCredential {
    public var credentialName: String { "managedIdentity" }
    /// The IMDS address, the one non-loopback host plain http may reach (Azure serves it only over http).
    static let imdsHost = "169.254.169.254"

    private let clientID: String?
    private let options: CredentialOptions
    private let cache: TokenCache

    public init(clientID: String? = nil, options: CredentialOptions) {
        self.clientID = clientID
        self.options = options
        cache = options.makeCache()
    }

    public func invalidateToken(for scope: String) async { await cache.invalidate(scope) }

    public func token(for scope: String) async throws -> AccessToken {
        try await cache.token(for: scope) { [self] in try await fetch(scope: scope) }
    }

    private func fetch(scope: String) async throws -> AccessToken {
        var resource = scope
        if resource.hasSuffix("/.default") { resource.removeLast("/.default".count) }
        var query: [(String, String)]
        var headers: [(name: String, value: String)]
        var base: String
        let source: String
        let identityHeader = options.nonEmpty("IDENTITY_HEADER")
        let timeout: Double
        if let endpoint = options.nonEmpty("IDENTITY_ENDPOINT"), let identityHeader {
            source = "IDENTITY_ENDPOINT"
            base = endpoint
            query = [("api-version", "2019-08-01"), ("resource", resource)]
            headers = [("X-IDENTITY-HEADER", identityHeader)]
            timeout = options.requestTimeoutSeconds
        } else {
            source = "IMDS"
            base = options.imdsEndpoint
            while base.hasSuffix("/") { base.removeLast() }
            base += "/metadata/identity/oauth2/token"
            query = [("api-version", "2018-02-01"), ("resource", resource)]
            headers = [("Metadata", "true")]
            timeout = options.imdsTimeoutSeconds
        }
        if let clientID { query.append(("client_id", clientID)) }
        headers.append(("Accept", "application/json"))
        do {
            try TransportSecurity.validate(base, allowingPlainHTTPTo: source == "IMDS" ? [Self.imdsHost] : [])
        } catch {
            throw CredentialError.failed(credentialName, error.description)
        }
        let url = base + (base.contains("?") ? "&" : "?") + ARMURL.query(query)
        let started = options.now()
        let response: TransportResponse
        do {
            response = try await options.transport.send(
                TransportRequest(method: "GET", url: url, headers: headers),
                timeout: CredentialOptions.duration(timeout))
        } catch let error as TransportError {
            throw CredentialError.unavailable(
                credentialName,
                Redaction.redact(
                    "no managed identity endpoint answered (\(source)): \(error)", secrets: [identityHeader]))
        }
        let json = try? JSONValue.parse(response.body)
        guard response.status == 200 else {
            let detail =
                json?["error_description"]?.stringValue ?? json?["message"]?.stringValue
                ?? json?["error"]?["message"]?.stringValue
            let text = "\(source) answered HTTP \(response.status)" + (detail.map { ": " + $0 } ?? "")
            let redacted = Redaction.redact(text, secrets: [identityHeader])
            // IMDS answers 400 when this VM has no (such) identity, and whatever holds 169.254.169.254 off Azure
            // (a proxy, Docker Desktop, WSL) answers 403: either way the chain should move on to the Azure CLI.
            if source == "IMDS", [400, 403, 404].contains(response.status) {
                throw CredentialError.unavailable(credentialName, redacted)
            }
            throw CredentialError.failed(credentialName, redacted)
        }
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
            throw CredentialError.failed(credentialName, "\(source) answered without an access_token")
        }
        let expiresOn: Date
        if let epoch = TokenExpiry.seconds(json?["expires_on"]) {
            expiresOn = Date(timeIntervalSince1970: epoch)
        } else {
            expiresOn = started.addingTimeInterval(TokenExpiry.seconds(json?["expires_in"]) ?? 3600)
        }
        options.logger.debug("acquired token", metadata: ["credential": "\(credentialName)", "source": "\(source)"])
        return AccessToken(token: token, expiresOn: expiresOn)
    }
}

/// A bearer token given from outside (`APIMSYNC_TOKEN`): for the emulator, or a pipeline that already has one.
public struct StaticTokenCredential: TokenCredential {
    public var credentialName: String { "token" }
    private let accessToken: AccessToken
    private let now: @Sendable () -> Date

    /// A token valid until its JWT `exp` claim, or for a day when it is not a JWT.
    public init(token: String, now: @escaping @Sendable () -> Date = { Date() }) {
        let expiry = TokenClaims(jwt: token)?.expiresOn ?? now().addingTimeInterval(86_400)
        accessToken = AccessToken(token: token, expiresOn: expiry)
        self.now = now
    }

    /// The credential from `APIMSYNC_TOKEN`, or an ``UnavailableCredential``.
    public static func fromEnvironment(_ options: CredentialOptions) -> any TokenCredential {
        guard let token = options.nonEmpty("APIMSYNC_TOKEN") else {
            return UnavailableCredential(
                name: "token",
                reason: "APIMSYNC_TOKEN not set (a bearer token you already have; a standalone emulator takes any)")
        }
        return StaticTokenCredential(token: token, now: options.now)
    }

    public func token(for scope: String) async throws -> AccessToken {
        guard accessToken.expiresOn > now() else {
            throw CredentialError.failed(credentialName, "the static token expired at \(accessToken.expiresOn)")
        }
        return accessToken
    }
}
