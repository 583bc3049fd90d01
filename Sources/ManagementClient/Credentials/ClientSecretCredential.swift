import Foundation
import Logging
import Model

/// Posts the client-credentials grant to `{authority}/{tenant}/oauth2/v2.0/token` and reads the answer.
struct EntraTokenEndpoint: Sendable {
    let credentialName: String
    let authorityHost: String
    let tenantID: String
    let options: CredentialOptions

    var url: String { "\(authorityHost)/\(ARMURL.encodeSegment(tenantID))/oauth2/v2.0/token" }

    /// Requests a token; `secrets` are scrubbed from any error text.
    func requestToken(form: [(String, String)], secrets: [String?]) async throws -> AccessToken {
        do {
            try TransportSecurity.validate(url)
        } catch {
            throw CredentialError.failed(credentialName, error.description)
        }
        let request = TransportRequest(
            method: "POST", url: url,
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
                ("x-client-SKU", "apimsync"),
            ],
            body: Array(ARMURL.form(form).utf8))
        let started = options.now()
        let response: TransportResponse
        do {
            response = try await options.transport.send(
                request, timeout: CredentialOptions.duration(options.requestTimeoutSeconds))
        } catch let error as TransportError {
            throw CredentialError.failed(
                credentialName,
                Redaction.redact(
                    "cannot reach \(TransportSecurity.redactedForDisplay(url)): \(error)", secrets: secrets))
        }
        let json = try? JSONValue.parse(response.body)
        guard response.status == 200 else {
            throw CredentialError.failed(
                credentialName,
                Redaction.redact(Self.describeFailure(status: response.status, json: json), secrets: secrets))
        }
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
            throw CredentialError.failed(credentialName, "the token response has no access_token")
        }
        let lifetime = TokenExpiry.seconds(json?["expires_in"]) ?? 3600
        options.logger.debug(
            "acquired token",
            metadata: ["credential": "\(credentialName)", "expires-in-s": "\(Int(lifetime))"])
        return AccessToken(token: token, expiresOn: started.addingTimeInterval(lifetime))
    }

    /// `HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided.` (first line of the description).
    static func describeFailure(status: Int, json: JSONValue?) -> String {
        var text = "the authority answered HTTP \(status)"
        if let code = json?["error"]?.stringValue { text += " \(code)" }
        if let description = json?["error_description"]?.stringValue {
            let firstLine = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? description
            text += ": " + firstLine
        }
        return text
    }
}

/// A service principal with a client secret (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`).
public struct ClientSecretCredential: TokenCredential {
    public var credentialName: String { "clientSecret" }
    private let endpoint: EntraTokenEndpoint
    private let clientID: String
    private let clientSecret: String
    private let cache: TokenCache

    public init(tenantID: String, clientID: String, clientSecret: String, options: CredentialOptions) {
        endpoint = EntraTokenEndpoint(
            credentialName: "clientSecret", authorityHost: options.authorityHost, tenantID: tenantID, options: options)
        self.clientID = clientID
        self.clientSecret = clientSecret
        cache = options.makeCache()
    }

    /// The credential from the environment, or an ``UnavailableCredential`` naming the missing variables.
    public static func fromEnvironment(_ options: CredentialOptions) -> any TokenCredential {
        let names = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]
        let missing = names.filter { options.nonEmpty($0) == nil }
        guard missing.isEmpty, let tenant = options.nonEmpty(names[0]), let client = options.nonEmpty(names[1]),
            let secret = options.nonEmpty(names[2])
        else {
            return UnavailableCredential(name: "clientSecret", reason: "\(missing.joined(separator: ", ")) not set")
        }
        return ClientSecretCredential(tenantID: tenant, clientID: client, clientSecret: secret, options: options)
    }

    public func invalidateToken(for scope: String) async { await cache.invalidate(scope) }

    public func token(for scope: String) async throws -> AccessToken {
        try await cache.token(for: scope) { [endpoint, clientID, clientSecret] in
            try await endpoint.requestToken(
                form: [
                    ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret),
                    ("scope", scope),
                ],
                secrets: [clientSecret])
        }
    }
}

/// Workload identity federation: a service principal that proves itself with a federated token read from
/// `AZURE_FEDERATED_TOKEN_FILE` (re-read on every request; the platform rotates it).
public struct WorkloadIdentityCredential: TokenCredential {
    public var credentialName: String { "workloadIdentity" }
    private let endpoint: EntraTokenEndpoint
    private let clientID: String
    private let tokenFile: String
    private let cache: TokenCache

    public init(tenantID: String, clientID: String, tokenFile: String, options: CredentialOptions) {
        endpoint = EntraTokenEndpoint(
            credentialName: "workloadIdentity", authorityHost: options.authorityHost, tenantID: tenantID,
            options: options)
        self.clientID = clientID
        self.tokenFile = tokenFile
        cache = options.makeCache()
    }

    /// The credential from the environment, or an ``UnavailableCredential`` naming the missing variables.
    public static func fromEnvironment(_ options: CredentialOptions) -> any TokenCredential {
        let names = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"]
        let missing = names.filter { options.nonEmpty($0) == nil }
        guard missing.isEmpty, let tenant = options.nonEmpty(names[0]), let client = options.nonEmpty(names[1]),
            let file = options.nonEmpty(names[2])
        else {
            return UnavailableCredential(
                name: "workloadIdentity", reason: "\(missing.joined(separator: ", ")) not set")
        }
        return WorkloadIdentityCredential(tenantID: tenant, clientID: client, tokenFile: file, options: options)
    }

    public func invalidateToken(for scope: String) async { await cache.invalidate(scope) }

    public func token(for scope: String) async throws -> AccessToken {
        try await cache.token(for: scope) { [endpoint, clientID, tokenFile] in
            let assertion: String
            do {
                assertion = try String(contentsOfFile: tokenFile, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw CredentialError.failed(
                    "workloadIdentity", "cannot read the federated token file \(tokenFile)")
            }
            guard !assertion.isEmpty else {
                throw CredentialError.failed("workloadIdentity", "the federated token file \(tokenFile) is empty")
            }
            return try await endpoint.requestToken(
                form: [
                    ("grant_type", "client_credentials"), ("client_id", clientID),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion), ("scope", scope),
                ],
                secrets: [assertion])
        }
    }
}
