import Foundation
import ManagementClient
import Testing

@Suite struct ClientSecretCredentialTests {
    static let secret = "s3cr3t-Value~with+special&chars="

    static func environment(tenant: String = "tenant-1") -> [String: String] {
        ["AZURE_TENANT_ID": tenant, "AZURE_CLIENT_ID": "client-1", "AZURE_CLIENT_SECRET": secret]
    }

    @Test func postsTheClientCredentialsFormToTheTenantTokenEndpoint() async throws {
        let server = try await StandInServer.start { _ in
            .json(200, #"{"token_type":"Bearer","expires_in":3599,"access_token":"aad-token-1"}"#)
        }
        defer { Task { await server.shutdown() } }
        let options = Fixture.credentialOptions(environment: Self.environment(), authority: server.baseURL)
        let credential = Credentials.make(.clientSecret, options: options)

        let token = try await credential.token(for: "https://management.azure.com/.default")

        #expect(token.token == "aad-token-1")
        let requests = await server.requests
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/tenant-1/oauth2/v2.0/token")
        #expect(request.header("content-type") == "application/x-www-form-urlencoded")
        #expect(
            request.formFields == [
                "grant_type": "client_credentials", "client_id": "client-1", "client_secret": Self.secret,
                "scope": "https://management.azure.com/.default",
            ])
    }

    @Test func cachesTheTokenAndRefreshesItFiveMinutesBeforeExpiry() async throws {
        let counter = RequestRecorder()
        let server = try await StandInServer.start { request in
            await counter.record(request)
            return .json(200, #"{"expires_in":3600,"access_token":"token-\#(await counter.count)"}"#)
        }
        defer { Task { await server.shutdown() } }
        let clock = ManualDate()
        let options = Fixture.credentialOptions(
            environment: Self.environment(), authority: server.baseURL, now: { clock.now })
        let credential = Credentials.make(.clientSecret, options: options)
        let scope = "https://management.azure.com/.default"

        let first = try await credential.token(for: scope)
        let second = try await credential.token(for: scope)
        #expect(first.token == "token-1")
        #expect(second.token == "token-1")
        #expect(await server.requests.count == 1)

        clock.advance(3600 - 301)  // still more than five minutes left: cached
        #expect(try await credential.token(for: scope).token == "token-1")
        #expect(await server.requests.count == 1)

        clock.advance(2)  // inside the five-minute window: refreshed
        #expect(try await credential.token(for: scope).token == "token-2")
        #expect(await server.requests.count == 2)

        // Another scope is cached separately.
        #expect(try await credential.token(for: "https://other/.default").token == "token-3")
    }

    @Test func concurrentCallersShareOneTokenRequest() async throws {
        let server = try await StandInServer.start { _ in
            try? await Task.sleep(for: .milliseconds(100))
            return .json(200, #"{"expires_in":3600,"access_token":"shared"}"#)
        }
        defer { Task { await server.shutdown() } }
        let options = Fixture.credentialOptions(environment: Self.environment(), authority: server.baseURL)
        let credential = Credentials.make(.clientSecret, options: options)
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await credential.token(for: "scope/.default").token } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(tokens == Array(repeating: "shared", count: 8))
        #expect(await server.requests.count == 1)
    }

    @Test func aRejectedSecretNamesTheCredentialAndNeverTheSecret() async throws {
        let server = try await StandInServer.start { request in
            // A hostile authority echoing the secret back must not leak it into the error.
            .json(
                401,
                #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided: \#(ClientSecretCredentialTests.secret)\r\nTrace ID: x"}"#
            )
        }
        defer { Task { await server.shutdown() } }
        let options = Fixture.credentialOptions(environment: Self.environment(), authority: server.baseURL)
        let credential = Credentials.make(.clientSecret, options: options)

        let error = try await #require(throws: CredentialError.self) {
            try await credential.token(for: "https://management.azure.com/.default")
        }
        #expect(error.credential == "clientSecret")
        #expect(error.kind == .authenticationFailed)
        #expect(error.description.contains("HTTP 401 invalid_client: AADSTS7000215"))
        #expect(!error.description.contains(Self.secret))
        #expect(!error.description.contains("Trace ID"))
    }

    @Test func missingVariablesAreNamedWhenAsked() async throws {
        let credential = Credentials.make(
            .clientSecret, options: Fixture.credentialOptions(environment: ["AZURE_TENANT_ID": "t"]))
        let error = try await #require(throws: CredentialError.self) { try await credential.token(for: "s/.default") }
        #expect(error.kind == .unavailable)
        #expect(
            error.description == "clientSecret credential is unavailable: AZURE_CLIENT_ID, AZURE_CLIENT_SECRET not set")
    }

    @Test func refusesPlainHTTPAuthorityOffLoopback() async throws {
        var environment = Self.environment()
        environment["AZURE_AUTHORITY_HOST"] = "http://login.example.com"
        let credential = Credentials.make(.clientSecret, options: Fixture.credentialOptions(environment: environment))
        let error = try await #require(throws: CredentialError.self) { try await credential.token(for: "s/.default") }
        #expect(error.description.contains("plain http is only allowed to loopback"))
    }
}

@Suite struct WorkloadIdentityCredentialTests {
    @Test func sendsTheFederatedTokenFileAsClientAssertion() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("federated-\(UUID().uuidString)")
        let assertion = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9yZXBvIn0.c2lnbmF0dXJl"
        try (assertion + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let server = try await StandInServer.start { _ in
            .json(200, #"{"expires_in":"3600","access_token":"wi-token"}"#)
        }
        defer { Task { await server.shutdown() } }
        let environment = [
            "AZURE_TENANT_ID": "tenant-2", "AZURE_CLIENT_ID": "client-2", "AZURE_FEDERATED_TOKEN_FILE": file.path,
        ]
        let credential = Credentials.make(
            .workloadIdentity, options: Fixture.credentialOptions(environment: environment, authority: server.baseURL))

        let token = try await credential.token(for: "https://management.usgovcloudapi.net/.default")

        #expect(token.token == "wi-token")
        let request = try #require(await server.requests.first)
        #expect(request.path == "/tenant-2/oauth2/v2.0/token")
        #expect(
            request.formFields == [
                "grant_type": "client_credentials", "client_id": "client-2",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion, "scope": "https://management.usgovcloudapi.net/.default",
            ])
        #expect(request.formFields["client_secret"] == nil)
    }

    @Test func aMissingTokenFileIsReportedWithoutContents() async throws {
        let environment = [
            "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_FEDERATED_TOKEN_FILE": "/nonexistent/token",
        ]
        let credential = Credentials.make(
            .workloadIdentity, options: Fixture.credentialOptions(environment: environment))
        let error = try await #require(throws: CredentialError.self) { try await credential.token(for: "s/.default") }
        #expect(error.credential == "workloadIdentity")
        #expect(error.description.contains("cannot read the federated token file /nonexistent/token"))
    }
}

@Suite struct ManagedIdentityCredentialTests {
    @Test func asksIMDSWithTheMetadataHeaderAndClientID() async throws {
        let expiry = Int(Date().timeIntervalSince1970) + 3600
        let server = try await StandInServer.start { _ in
            .json(200, #"{"access_token":"mi-token","expires_on":"\#(expiry)","resource":"x","token_type":"Bearer"}"#)
        }
        defer { Task { await server.shutdown() } }
        let options = Fixture.credentialOptions(
            environment: ["AZURE_CLIENT_ID": "user-assigned-1"], imds: server.baseURL)
        let credential = Credentials.make(.managedIdentity, options: options)

        let token = try await credential.token(for: "https://management.azure.com/.default")
        _ = try await credential.token(for: "https://management.azure.com/.default")

        #expect(token.token == "mi-token")
        #expect(Int(token.expiresOn.timeIntervalSince1970) == expiry)
        let requests = await server.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/metadata/identity/oauth2/token")
        #expect(request.header("Metadata") == "true")
        #expect(
            request.queryItems == [
                "api-version": "2018-02-01", "resource": "https://management.azure.com", "client_id": "user-assigned-1",
            ])
    }

    @Test func usesIdentityEndpointAndHeaderWhenSet() async throws {
        let server = try await StandInServer.start { _ in
            .json(200, #"{"access_token":"app-service-token","expires_on":4102444800}"#)
        }
        defer { Task { await server.shutdown() } }
        let identityHeader = "identity-header-secret-123"
        let environment = ["IDENTITY_ENDPOINT": server.baseURL + "/msi/token", "IDENTITY_HEADER": identityHeader]
        let credential = Credentials.make(
            .managedIdentity, options: Fixture.credentialOptions(environment: environment))

        let token = try await credential.token(for: "https://management.chinacloudapi.cn/.default")

        #expect(token.token == "app-service-token")
        let request = try #require(await server.requests.first)
        #expect(request.path == "/msi/token")
        #expect(request.header("X-IDENTITY-HEADER") == identityHeader)
        #expect(request.header("Metadata") == nil)
        #expect(request.queryItems == ["api-version": "2019-08-01", "resource": "https://management.chinacloudapi.cn"])
    }

    @Test func anIdentityEndpointFailureNeverShowsTheIdentityHeader() async throws {
        let identityHeader = "x-identity-header-value-77"
        let server = try await StandInServer.start { request in
            .json(500, #"{"error":{"message":"bad header \#(request.header("X-IDENTITY-HEADER") ?? "")"}}"#)
        }
        defer { Task { await server.shutdown() } }
        let environment = ["IDENTITY_ENDPOINT": server.baseURL + "/msi/token", "IDENTITY_HEADER": identityHeader]
        let credential = Credentials.make(
            .managedIdentity, options: Fixture.credentialOptions(environment: environment))
        let error = try await #require(throws: CredentialError.self) { try await credential.token(for: "s/.default") }
        #expect(error.kind == .authenticationFailed)
        #expect(error.description.hasPrefix("managedIdentity credential failed: IDENTITY_ENDPOINT answered HTTP 500"))
        #expect(!error.description.contains(identityHeader))
    }

    @Test func noIMDSIsUnavailableAndIMDS400IsUnavailableToo() async throws {
        let nothing = Credentials.make(.managedIdentity, options: Fixture.credentialOptions(imds: "http://127.0.0.1:9"))
        let unreachable = try await #require(throws: CredentialError.self) {
            try await nothing.token(for: "s/.default")
        }
        #expect(unreachable.kind == .unavailable)
        #expect(unreachable.credential == "managedIdentity")

        let server = try await StandInServer.start { _ in
            .json(400, #"{"error":"invalid_request","error_description":"Identity not found"}"#)
        }
        defer { Task { await server.shutdown() } }
        let noIdentity = Credentials.make(.managedIdentity, options: Fixture.credentialOptions(imds: server.baseURL))
        let error = try await #require(throws: CredentialError.self) { try await noIdentity.token(for: "s/.default") }
        #expect(error.kind == .unavailable)
        #expect(error.description.contains("IMDS answered HTTP 400: Identity not found"))
    }

    @Test func onlyTheIMDSAddressMayBePlainHTTPOffLoopback() throws {
        #expect(throws: InsecureURLError.self) { try TransportSecurity.validate("http://169.254.169.254/x") }
        #expect(throws: Never.self) {
            try TransportSecurity.validate("http://169.254.169.254/x", allowingPlainHTTPTo: ["169.254.169.254"])
        }
    }
}

@Suite struct AzureCLICredentialTests {
    /// Writes an executable fake `az` that records its arguments and prints `output`.
    static func fakeAZ(output: String, exitCode: Int = 0, stderr: String = "") throws -> (path: String, log: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-az-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("args").path
        let script = """
            #!/bin/sh
            echo "$@" > '\(log)'
            cat <<'JSON'
            \(output)
            JSON
            echo '\(stderr)' >&2
            exit \(exitCode)
            """
        let path = directory.appendingPathComponent("az").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return (path, log)
    }

    @Test func runsAzAccountGetAccessTokenForTheResource() async throws {
        let az = try Self.fakeAZ(
            output: #"{"accessToken":"cli-token","expires_on":4102444800,"tenant":"t-cli","tokenType":"Bearer"}"#)
        let options = Fixture.credentialOptions(environment: ["PATH": "/usr/bin:/bin"], azureCLIPath: az.path)
        let credential = Credentials.make(.azureCli, options: options)

        let token = try await credential.token(for: "https://management.azure.com/.default")
        _ = try await credential.token(for: "https://management.azure.com/.default")

        #expect(token.token == "cli-token")
        #expect(token.expiresOn == Date(timeIntervalSince1970: 4_102_444_800))
        let arguments = try String(contentsOfFile: az.log, encoding: .utf8)
        #expect(arguments == "account get-access-token --resource https://management.azure.com -o json\n")
    }

    @Test func notLoggedInIsUnavailableAndSaysSo() async throws {
        let az = try Self.fakeAZ(output: "", exitCode: 1, stderr: "ERROR: Please run 'az login' to setup account.")
        let credential = Credentials.make(.azureCli, options: Fixture.credentialOptions(azureCLIPath: az.path))
        let error = try await #require(throws: CredentialError.self) { try await credential.token(for: "s/.default") }
        #expect(error.kind == .unavailable)
        #expect(error.description.contains("azureCli credential is unavailable: not signed in; run `az login`"))
    }

    @Test func noAzOnPathIsUnavailable() async throws {
        let credential = Credentials.make(
            .azureCli, options: Fixture.credentialOptions(environment: ["PATH": "/nonexistent"], azureCLIPath: nil))
        let error = try await #require(throws: CredentialError.self) { try await credential.token(for: "s/.default") }
        #expect(error.kind == .unavailable)
        #expect(error.description.contains("not installed or not on PATH"))
    }
}

@Suite struct CredentialChainTests {
    @Test func theChainSkipsUnavailableCredentialsAndSaysWhatItTried() async throws {
        let chain = Credentials.defaultChain(
            options: Fixture.credentialOptions(environment: ["PATH": "/nonexistent"], azureCLIPath: nil))
        let error = try await #require(throws: CredentialError.self) { try await chain.token(for: "s/.default") }
        #expect(error.credential == "default")
        #expect(
            error.attempts.map(\.credential) == [
                "token", "clientSecret", "workloadIdentity", "managedIdentity", "azureCli",
            ])
        #expect(
            error.description.contains("clientSecret: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET not set"))
        #expect(error.description.contains("azureCli: the Azure CLI (az) is not installed or not on PATH"))
    }

    @Test func theChainUsesTheFirstWorkingCredentialAndSticksToIt() async throws {
        let server = try await StandInServer.start { _ in .json(200, #"{"access_token":"from-imds","expires_in":3600}"#)
        }
        defer { Task { await server.shutdown() } }
        let chain = Credentials.defaultChain(options: Fixture.credentialOptions(imds: server.baseURL))
        #expect(try await chain.token(for: "s/.default").token == "from-imds")
        #expect(chain.selectedCredentialName == "managedIdentity")
    }

    @Test func aConfiguredButFailingCredentialStopsTheChainWithoutItsSecret() async throws {
        let secret = "chain-secret-value-xyz"
        let server = try await StandInServer.start { _ in
            .json(400, #"{"error":"invalid_request","error_description":"AADSTS90002: Tenant not found."}"#)
        }
        defer { Task { await server.shutdown() } }
        let environment = ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": secret]
        let chain = Credentials.defaultChain(
            options: Fixture.credentialOptions(environment: environment, authority: server.baseURL))
        let error = try await #require(throws: CredentialError.self) { try await chain.token(for: "s/.default") }
        #expect(error.kind == .authenticationFailed)
        #expect(error.attempts.map(\.credential) == ["token", "clientSecret"])
        #expect(error.description.contains("AADSTS90002: Tenant not found."))
        #expect(!error.description.contains(secret))
        #expect(await server.requests.count == 1)
    }

    /// Rough edge 2: a chain that finds nothing says how to give it a token directly.
    @Test func roughEdge2_theChainErrorNamesAPIMSYNC_TOKEN() async throws {
        let chain = Credentials.defaultChain(
            options: Fixture.credentialOptions(environment: ["PATH": "/nonexistent"], azureCLIPath: nil))
        let error = try await #require(throws: CredentialError.self) { try await chain.token(for: "s/.default") }
        #expect(error.kind == .unavailable)
        #expect(error.description.contains("token: APIMSYNC_TOKEN not set"), "\(error)")
    }

    /// Rough edge 2: off Azure, what answers at the IMDS address often says 403; the Azure CLI still gets its turn.
    @Test func roughEdge2_anIMDS403DoesNotEndTheChainBeforeTheAzureCLI() async throws {
        let server = try await StandInServer.start { _ in
            .json(
                403,
                #"{"error":"forbidden","error_description":"A socket operation was attempted to an unreachable network."}"#
            )
        }
        defer { Task { await server.shutdown() } }
        let az = try AzureCLICredentialTests.fakeAZ(
            output: #"{"accessToken":"cli-token","expires_on":4102444800,"tenant":"t-cli","tokenType":"Bearer"}"#)
        let chain = Credentials.defaultChain(
            options: Fixture.credentialOptions(imds: server.baseURL, azureCLIPath: az.path))
        #expect(try await chain.token(for: "https://management.azure.com/.default").token == "cli-token")
        #expect(chain.selectedCredentialName == "azureCli")
        #expect(await server.requests.count == 1)
    }

    @Test func aStaticTokenComesFirstWhenSet() async throws {
        let chain = Credentials.defaultChain(options: Fixture.credentialOptions(environment: ["APIMSYNC_TOKEN": "tok"]))
        #expect(try await chain.token(for: "s/.default").token == "tok")
        #expect(chain.selectedCredentialName == "token")
    }

    @Test func credentialNamesParse() {
        #expect(CredentialKind(name: "azure-cli") == .azureCli)
        #expect(CredentialKind(name: "clientSecret") == .clientSecret)
        #expect(CredentialKind(name: "DEFAULT") == .default)
        #expect(CredentialKind(name: "kerberos") == nil)
    }

    @Test func cloudsHaveTheirEndpoints() {
        #expect(AzureCloud.named("AzureCloud")?.scope == "https://management.azure.com/.default")
        #expect(AzureCloud.named("AzureUSGovernment")?.authorityHost == "https://login.microsoftonline.us")
        #expect(AzureCloud.named("AzureChinaCloud")?.resourceManager == "https://management.chinacloudapi.cn")
        #expect(AzureCloud.named("AzureChinaCloud")?.authorityHost == "https://login.chinacloudapi.cn")
        let custom = AzureCloud.custom(
            resourceManager: "https://arm.local/", authorityHost: "https://login.local", audience: "https://aud.local")
        #expect(custom.scope == "https://aud.local/.default")
        #expect(custom.resourceManager == "https://arm.local")
    }

    @Test func tokenClaimsAreReadFromAJWT() throws {
        // {"tid":"tenant-x","oid":"object-y","appid":"app-z","aud":"https://management.azure.com","exp":4102444800}
        let payload =
            #"{"tid":"tenant-x","oid":"object-y","appid":"app-z","aud":"https://management.azure.com","exp":4102444800}"#
        let encoded = Data(payload.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        let claims = try #require(TokenClaims(jwt: "eyJhbGciOiJub25lIn0.\(encoded).sig"))
        #expect(claims.tenantID == "tenant-x")
        #expect(claims.objectID == "object-y")
        #expect(claims.appID == "app-z")
        #expect(claims.expiresOn == Date(timeIntervalSince1970: 4_102_444_800))
        #expect(TokenClaims(jwt: "not-a-jwt") == nil)
        let staticToken = StaticTokenCredential(token: "eyJhbGciOiJub25lIn0.\(encoded).sig")
        #expect(staticToken.credentialName == "token")
    }

    @Test func anExpiredStaticTokenIsRefused() async throws {
        let payload = Data(#"{"exp":1000}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let credential = StaticTokenCredential(token: "e30.\(payload).sig")
        let error = try await #require(throws: CredentialError.self) { try await credential.token(for: "s/.default") }
        #expect(error.description.hasPrefix("token credential failed: the static token expired"))
    }

    @Test func accessTokenDescriptionsHideTheToken() {
        let token = AccessToken(token: "very-secret-token", expiresOn: Date(timeIntervalSince1970: 0))
        #expect(!"\(token)".contains("very-secret-token"))
        #expect(!String(reflecting: token).contains("very-secret-token"))
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("very-secret-token"))
    }
}
