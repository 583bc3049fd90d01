import Foundation

/// ARM's bearer-token check: every ARM request needs `Authorization: Bearer <token>`; with a configured token only
/// that one is accepted. The token identifies the principal whose throttling buckets a request draws from.
struct Authenticator: Sendable {
    /// The only token accepted, or `nil` for any.
    let expectedToken: String?

    /// The principal (its token), or ARM's 401 with a `WWW-Authenticate` challenge.
    func principal(of request: EmuRequest) throws(ARMError) -> String {
        guard let header = request.header("authorization"), header.lowercased().hasPrefix("bearer ") else {
            throw Self.unauthorized(
                "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else {
            throw Self.unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.")
        }
        if let expectedToken, token != expectedToken {
            throw Self.unauthorized("InvalidAuthenticationToken", "The access token is invalid.")
        }
        return token
    }

    private static func unauthorized(_ code: String, _ message: String) -> ARMError {
        var error = ARMError(status: 401, code: code, message: message)
        error.headers = [
            (
                "WWW-Authenticate",
                "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\""
            )
        ]
        return error
    }
}
