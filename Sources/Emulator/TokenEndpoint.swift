import Foundation
import Model

/// A stand-in for the Entra ID token endpoint (`POST /{tenant}/oauth2/v2.0/token`), so that credential code
/// (client secret, federated client assertion) can be tested against the emulator. It issues the emulator's
/// `--token` when one is configured (so the issued token is accepted by the ARM side), otherwise a random one.
extension EmulatorStore {
    static func isTokenPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count == 4 && parts[1] == "oauth2" && parts[2] == "v2.0" && parts[3] == "token"
    }

    func tokenEndpoint(_ request: EmuRequest) -> EmuResponse {
        func failure(_ status: Int, _ error: String, _ code: Int, _ description: String) -> EmuResponse {
            let body: JSONValue = .object(
                JSONObject([
                    ("error", .string(error)),
                    ("error_description", .string("AADSTS\(code): \(description)")),
                    ("error_codes", .array([.number(Double(code))])),
                    ("timestamp", .string(Self.timestamp())),
                    ("trace_id", .string(uuid())), ("correlation_id", .string(uuid())),
                ]))
            return .json(status, body)
        }
        guard request.method == "POST" else {
            return failure(405, "invalid_request", 900_561, "The endpoint only accepts POST requests.")
        }
        let form = EmuRequest.split("?" + String(decoding: request.body, as: UTF8.self)).query
        func field(_ name: String) -> String? {
            form.first { $0.0 == name }.map(\.1).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let grant = field("grant_type") else {
            return failure(
                400, "invalid_request", 900_144, "The request body must contain the following parameter: 'grant_type'.")
        }
        guard grant == "client_credentials" else {
            return failure(
                400, "unsupported_grant_type", 70_003, "The app requested an unsupported grant type '\(grant)'.")
        }
        guard let clientId = field("client_id") else {
            return failure(
                400, "invalid_request", 900_144, "The request body must contain the following parameter: 'client_id'.")
        }
        guard let scope = field("scope"), scope.hasSuffix("/.default") else {
            return failure(
                400, "invalid_scope", 1_002_012,
                "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier."
            )
        }
        if let assertionType = field("client_assertion_type") {
            guard assertionType == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                return failure(400, "invalid_request", 50_027, "Invalid client_assertion_type '\(assertionType)'.")
            }
            guard let assertion = field("client_assertion"),
                assertion.split(separator: ".", omittingEmptySubsequences: false).count == 3
            else {
                return failure(400, "invalid_client", 50_027, "JWT token is invalid or malformed.")
            }
        } else if let secret = field("client_secret") {
            if let expected = options.oauthClients?[clientId], expected != secret {
                return failure(
                    401, "invalid_client", 7_000_215,
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientId)'."
                )
            }
        } else {
            return failure(
                400, "invalid_client", 7_000_218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
        }
        if let clients = options.oauthClients, clients[clientId] == nil {
            return failure(
                400, "unauthorized_client", 700_016,
                "Application with identifier '\(clientId)' was not found in the directory.")
        }
        let token = options.token ?? "emulator-" + hexId(40)
        return .json(
            200,
            .object(
                JSONObject([
                    ("token_type", "Bearer"), ("expires_in", 3599), ("ext_expires_in", 3599),
                    ("access_token", .string(token)),
                ])))
    }
}
