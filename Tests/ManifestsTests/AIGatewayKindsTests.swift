import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// The 2026 AI-gateway kinds and fields: users, certificates, authorization providers, MCP servers and tools,
/// LLM logging; each lowered as APIM spells it, checked against the environment's api-version, and exported back.
@Suite struct AIGatewayKindsTests {
    /// `apimsync.yaml` with the environment's api-version.
    static func config(_ version: String) -> String {
        TemporaryRepository.config.replacingOccurrences(
            of: "target: { emulator: state.json }", with: "target: { emulator: state.json, apiVersion: \(version) }")
    }

    static let spec = """
        {"openapi": "3.0.0", "info": {"title": "Weather", "version": "1"},
         "paths": {"/forecast/{city}": {"get": {"operationId": "GetForecast", "summary": "Forecast",
           "parameters": [{"name": "city", "in": "path", "required": true, "schema": {"type": "string"}}]}}}}
        """

    static let weather = """
        apiVersion: apimsync/v1
        kind: Api
        metadata: { name: weather }
        spec: { displayName: Weather, path: weather, specification: { file: specs/weather.json } }

        """

    static let mcp = """
        apiVersion: apimsync/v1
        kind: Api
        metadata: { name: weather-mcp }
        spec:
          displayName: Weather MCP
          path: weather-mcp
          type: mcp
          mcpTools:
            - { name: forecast, description: The forecast for a city, operationId: weather/getforecast }

        """

    @Test func usersBelongToGroupsAndOwnSubscriptions() throws {
        let repository = try TemporaryRepository([
            "resources/users.yaml": """
            apiVersion: apimsync/v1
            kind: User
            metadata: { name: alice }
            spec: { firstName: Alice, lastName: Smith, email: alice@example.com, groups: [developers, partners] }
            ---
            apiVersion: apimsync/v1
            kind: Group
            metadata: { name: partners }
            spec: { displayName: Partners }
            ---
            apiVersion: apimsync/v1
            kind: Subscription
            metadata: { name: alice-all }
            spec: { displayName: Alice, scope: apis, owner: alice }

            """
        ])
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.state[ResourceID(.user, "alice")]?.properties["email"] == "alice@example.com")
        let membership = try #require(result.state[ResourceID(.groupUser, "partners", "alice")])
        #expect(membership.dependencies.isSuperset(of: [ResourceID(.user, "alice"), ResourceID(.group, "partners")]))
        #expect(result.state[ResourceID(.groupUser, "developers", "alice")] != nil)
        let subscription = try #require(result.state[ResourceID(.subscription, "alice-all")])
        #expect(subscription.properties["ownerId"] == "/users/alice")
        #expect(subscription.dependencies.contains(ResourceID(.user, "alice")))

        let exported = ManifestExporter.export(
            result.state, definitions: [:], environment: .init(name: "local", target: .emulator(stateFile: "s.json")))
        let users = try #require(exported.files.first { $0.path == "resources/users.yaml" }?.contents)
        #expect(users.contains("groups:") && users.contains("partners"), "\(users)")
        let subscriptions = try #require(exported.files.first { $0.path == "resources/subscriptions.yaml" }?.contents)
        #expect(subscriptions.contains("owner: alice"), "\(subscriptions)")
    }

    @Test func aCertificateIsAKeyVaultReferenceNeverAFile() throws {
        let repository = try TemporaryRepository([
            "resources/certificates.yaml": """
            apiVersion: apimsync/v1
            kind: Certificate
            metadata: { name: client }
            spec:
              keyVault: { secretIdentifier: https://kv.vault.azure.net/secrets/client-cert }
              password: hunter2

            """
        ])
        #expect(
            repository.diagnostics() == [
                "resources/certificates.yaml:6:13: error: a certificate's 'password' must never be in git: store the "
                    + "certificate in Key Vault and reference it with 'keyVault.secretIdentifier'"
            ])
    }

    @Test func anAuthorizationProviderTakesItsSecretsFromTheEnvironment() throws {
        let provider = """
            apiVersion: apimsync/v1
            kind: AuthorizationProvider
            metadata: { name: github }
            spec:
              displayName: GitHub
              identityProvider: github
              oauth2:
                grantTypes:
                  authorizationCode: { clientId: abc, clientSecret: { env: GITHUB_CLIENT_SECRET }, scopes: repo }
              authorizations:
                team:
                  authorizationType: OAuth2
                  oauth2grantType: AuthorizationCode
                  accessPolicies:
                    agents: { tenantId: 00000000-0000-0000-0000-000000000001, objectId: 00000000-0000-0000-0000-000000000002 }

            """
        let repository = try TemporaryRepository(["resources/github.yaml": provider])
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let github = try #require(result.state[ResourceID(.authorizationProvider, "github")])
        #expect(
            github.properties["oauth2"]?["grantTypes"]?["authorizationCode"] == ["clientId": "abc", "scopes": "repo"])
        #expect(
            github.secrets == ["oauth2.grantTypes.authorizationCode.clientSecret": .environment("GITHUB_CLIENT_SECRET")]
        )
        #expect(
            result.state[ResourceID(.authorization, "github", "team")]?.properties["oauth2grantType"]
                == "AuthorizationCode")
        let policy = try #require(result.state[ResourceID(.authorizationAccessPolicy, "github", "team", "agents")])
        #expect(policy.dependencies.contains(ResourceID(.authorization, "github", "team")))

        let literal = try TemporaryRepository([
            "resources/github.yaml": provider.replacingOccurrences(
                of: "clientSecret: { env: GITHUB_CLIENT_SECRET }", with: "clientSecret: s3cr3t")
        ])
        #expect(
            literal.diagnostics() == [
                "resources/github.yaml:9:57: error: plaintext secret: 'clientSecret' must come from the environment or "
                    + "a file ({ env: NAME } or { file: path }), never from git"
            ])
    }

    @Test func anMCPServerFromOperationsOfAnotherAPI() throws {
        let repository = try TemporaryRepository([
            "apimsync.yaml": Self.config("2025-09-01-preview"), "specs/weather.json": Self.spec,
            "resources/apis.yaml": Self.weather + "---\n" + Self.mcp,
        ])
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let server = try #require(result.state[ResourceID(.api, "weather-mcp")])
        #expect(server.properties["type"] == "mcp")
        #expect(
            server.properties["mcpTools"]?.arrayValue?.first?["operationId"] == "/apis/weather/operations/getforecast")
        #expect(server.dependencies.contains(ResourceID(.api, "weather")))
    }

    @Test func mcpRulesAndVersionsAreCheckedWhereWritten() throws {
        // On the GA version, type mcp does not exist yet.
        let ga = try TemporaryRepository([
            "specs/weather.json": Self.spec, "resources/apis.yaml": Self.weather + "---\n" + Self.mcp,
        ])
        #expect(
            ga.diagnostics().contains {
                $0.hasPrefix("resources/apis.yaml:12:9: error: 'spec.type' 'mcp' needs api-version 2025-09-01-preview")
            }, "\(ga.diagnostics())")
        // Both tools and a backend; an operation the API does not have.
        let both = try TemporaryRepository([
            "apimsync.yaml": Self.config("2025-09-01-preview"), "specs/weather.json": Self.spec,
            "resources/apis.yaml": Self.weather + "---\n"
                + Self.mcp.replacingOccurrences(
                    of: "operationId: weather/getforecast", with: "operationId: weather/get")
                + "  backendId: mcp-server\n",
        ])
        #expect(
            both.diagnostics() == [
                "resources/apis.yaml:14:76: error: MCP tool 'forecast' names operation 'get', which Api 'weather' does "
                    + "not have",
                "resources/apis.yaml:15:14: error: an MCP server takes either 'mcpTools' (tools from API operations) or "
                    + "'backendId' (a pass-through to an MCP server), not both",
                "resources/apis.yaml:15:14: error: backendId refers to unknown Backend 'mcp-server'",
            ])
        // MCP fields without type mcp.
        let plain = try TemporaryRepository([
            "apimsync.yaml": Self.config("2025-09-01-preview"),
            "resources/apis.yaml": Self.weather.replacingOccurrences(
                of: ", specification: { file: specs/weather.json } }", with: ", backendId: x }"),
        ])
        #expect(
            plain.diagnostics() == [
                "resources/apis.yaml:4:57: error: 'spec.backendId' belongs to an MCP server: set 'type: mcp'"
            ])
    }

    @Test func llmLoggingNeedsThePreviewThatAddedIt() throws {
        let api = Self.weather.replacingOccurrences(
            of: "specification: { file: specs/weather.json } }",
            with: """
                specification: { file: specs/weather.json },
                  diagnostics: { azuremonitor: { loggerId: monitor, largeLanguageModel: { logs: enabled, requests: { messages: all, maxSizeInBytes: 262144 } } } } }
                """)
        let logger = """
            ---
            apiVersion: apimsync/v1
            kind: Logger
            metadata: { name: monitor }
            spec: { loggerType: azureMonitor }

            """
        let files = ["specs/weather.json": Self.spec, "resources/apis.yaml": api + logger]
        let ga = try TemporaryRepository(files)
        #expect(
            ga.diagnostics().map { $0.components(separatedBy: " needs api-version ").first ?? $0 } == [
                "resources/apis.yaml:5:73: error: 'spec.diagnostics.azuremonitor.largeLanguageModel'"
            ], "\(ga.diagnostics())")
        #expect(ga.diagnostics().first?.contains("needs api-version 2024-06-01-preview or later") == true)
        var preview = files
        preview["apimsync.yaml"] = Self.config("2024-06-01-preview")
        #expect(try TemporaryRepository(preview).diagnostics().isEmpty)
        var tooBig = preview
        tooBig["resources/apis.yaml"] = (api + logger).replacingOccurrences(of: "262144", with: "262145")
        let tooBigDiagnostics = try TemporaryRepository(tooBig).diagnostics()
        #expect(
            tooBigDiagnostics == [
                "resources/apis.yaml:5:133: error: 'spec.diagnostics.azuremonitor.largeLanguageModel.requests."
                    + "maxSizeInBytes' must be at most 262144, found 262145"
            ], "\(tooBigDiagnostics)")
    }

    @Test func toolsAreEntitiesFromThePreviewThatAddedThem() throws {
        let api = Self.weather.replacingOccurrences(
            of: "specification: { file: specs/weather.json } }",
            with:
                "specification: { file: specs/weather.json },\n  tools: { forecast: { displayName: Forecast, operationId: getforecast } } }"
        )
        let files = ["specs/weather.json": Self.spec, "resources/apis.yaml": api]
        let ga = try TemporaryRepository(files).diagnostics()
        #expect(
            ga == [
                "resources/apis.yaml:5:22: error: 'spec.tools.forecast' needs api-version 2025-03-01-preview or later; "
                    + "this environment uses 2024-05-01 (set target.apiVersion in apimsync.yaml)"
            ], "\(ga)")
        var preview = files
        preview["apimsync.yaml"] = Self.config("2025-03-01-preview")
        let repository = try TemporaryRepository(preview)
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let tool = try #require(result.state[ResourceID(.apiTool, "weather", "forecast")])
        #expect(tool.properties["operationId"] == "/apis/weather/operations/getforecast")
    }

    @Test func gatewayOptionsAreCheckedAtTheGatewaysFields() throws {
        let gateway = GatewayGoldenCase.gateway(
            "gw",
            """
              semanticCache: { cache: westeurope, embeddings: { deployment: text-embedding-3-large } }
              contentSafety: { endpoint: "https://safety.cognitiveservices.azure.com", categories: { Hateful: 4 } }
              sessionAffinity: { cookie: apim-session }

            """)
        let repository = try TemporaryRepository([
            "resources/gateway.yaml": gateway, "specs/inference.json": GatewayGoldenCase.spec,
        ])
        let diagnostics = repository.diagnostics()
        #expect(
            diagnostics == [
                "resources/gateway.yaml:9:65: error: embeddings deployment 'text-embedding-3-large' is hosted by no "
                    + "instance; did you mean 'text-embedding-3-small'?",
                "resources/gateway.yaml:10:99: error: unknown content category 'Hateful' "
                    + "(categories: Hate, SelfHarm, Sexual, Violence)",
            ], "\(diagnostics)")

        // Valid options on the GA api-version: what the generated resources need from a preview is named.
        let valid = try TemporaryRepository([
            "resources/gateway.yaml": GatewayGoldenCase.gateway(
                "gw", "  sessionAffinity: { cookie: apim-session }\n"),
            "specs/inference.json": GatewayGoldenCase.spec,
        ])
        #expect(
            valid.diagnostics() == [
                "resources/gateway.yaml:9:20: error: backends/gw-gpt-4o-pool (generated) 'spec.pool.sessionAffinity' "
                    + "needs api-version 2024-10-01-preview or later; this environment uses 2024-05-01 (set "
                    + "target.apiVersion in apimsync.yaml)"
            ], "\(valid.diagnostics())")
    }
}
