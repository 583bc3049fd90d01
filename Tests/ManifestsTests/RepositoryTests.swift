import Foundation
import Manifests
import Model
import Testing

@Suite struct RepositoryTests {
    /// The repository's own reference lab, found from this file's path.
    static let labConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("manifests/apimsync.yaml").path

    @Test func referenceLabIsValidInEveryEnvironment() throws {
        let result = ManifestLoader(configPath: Self.labConfig).validateAllEnvironments()
        #expect(
            result.diagnostics.isEmpty, Comment(rawValue: result.diagnostics.map(\.description).joined(separator: "\n"))
        )
        let config = try #require(result.config)
        #expect(config.environments.keys.sorted() == ["local", "prod"])
        #expect(config.environments["local"]?.target == .emulator(stateFile: ".apimsync/local-state.json"))
    }

    @Test func referenceLabLowersToTheExpectedEntities() throws {
        let result = ManifestLoader(configPath: Self.labConfig).load()
        let ids = Set(result.state.sorted.map(\.id.armPath))
        for expected in [
            "policies/policy", "backends/apimaoai01", "backends/apimaoai02", "backends/aoai-pool", "apis/aoai",
            "apis/aoai/policies/policy", "apis/aoai/operations/chatcompletions-create/policies/policy",
            "apis/aoai/diagnostics/applicationinsights", "apis/aoai/tags/aoai", "products/aoai-gold",
            "products/aoai-gold/apis/aoai", "products/aoai-gold/groups/developers",
            "products/aoai-gold/policies/policy",
            "subscriptions/team-a", "loggers/appinsights", "namedValues/appinsights-connection-string",
        ] {
            #expect(ids.contains(expected), "missing \(expected)")
        }
        let pool = try #require(result.state[ResourceID(.backend, "aoai-pool")])
        #expect(
            pool.properties["pool"] == [
                "services": [
                    ["id": "/backends/apimaoai01", "priority": 1, "weight": 50],
                    ["id": "/backends/apimaoai02", "priority": 2, "weight": 50],
                ]
            ])
        #expect(pool.dependencies == [ResourceID(.backend, "apimaoai01"), ResourceID(.backend, "apimaoai02")])
        let backend = try #require(result.state[ResourceID(.backend, "apimaoai01")])
        #expect(backend.properties["url"] == "https://apimaoai01.openai.azure.com/openai")
        let apiPolicy = try #require(result.state[ResourceID(.apiPolicy, "aoai")])
        #expect(apiPolicy.dependencies.contains(ResourceID(.backend, "aoai-pool")))
        #expect(apiPolicy.dependencies.contains(ResourceID(.namedValue, "aoai-audience")))
        let secret = try #require(result.state[ResourceID(.namedValue, "appinsights-connection-string")])
        #expect(secret.secret == .environment("APPINSIGHTS_CONNECTION_STRING"))
        #expect(secret.properties["value"] == nil)
        let api = try #require(result.state[ResourceID(.api, "aoai")])
        #expect(api.specification?.format == "openapi+json")
    }

    @Test func unknownEnvironmentIsAnErrorWithASuggestion() throws {
        let repository = try TemporaryRepository(["resources/a.yaml": Snippets.backend])
        #expect(
            repository.diagnostics(environment: "locl") == [
                "apimsync.yaml:2:7: error: environment 'locl' is not defined in apimsync.yaml; did you mean 'local'?"
            ])
    }

    @Test func validatingAllEnvironmentsFindsAVariableMissingInOnlyOne() throws {
        let config =
            TemporaryRepository.config + """
                    prod:
                      target: { subscriptionId: s, resourceGroup: r, service: x }
                      variables: { aoai02: "https://aoai02.example.com" }

                """
        let repository = try TemporaryRepository([
            "apimsync.yaml": config,
            "resources/a.yaml": Snippets.backend.replacingOccurrences(
                of: "https://aoai01.example.com", with: "${aoai01}"),
        ])
        #expect(repository.diagnostics().isEmpty)
        let all = repository.loader.validateAllEnvironments().diagnostics.map(\.description)
        #expect(all.count == 1)
        #expect(
            all.first?.hasSuffix(
                "resources/a.yaml:6:8: error: unknown variable '${aoai01}' in environment 'prod'; did you mean 'aoai02'?"
            ) == true)
    }

    @Test func dollarDollarWritesALiteralVariable() throws {
        let repository = try TemporaryRepository([
            "resources/a.yaml": """
            apiVersion: apimsync/v1
            kind: NamedValue
            metadata: { name: template }
            spec: { displayName: template, value: "$${notavariable} and ${aoai01}" }

            """
        ])
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty)
        #expect(
            result.state[ResourceID(.namedValue, "template")]?.properties["value"]
                == "${notavariable} and https://aoai01.example.com")
    }

    @Test func nothingIsReturnedWhenValidationFails() throws {
        let repository = try TemporaryRepository([
            "resources/a.yaml": Snippets.backend + "---\n"
                + Snippets.backend.replacingOccurrences(of: "apimaoai01", with: "b2")
                .replacingOccurrences(of: "protocol: http", with: "protocol: ftp")
        ])
        let result = repository.loader.load()
        #expect(result.hasErrors)
        #expect(result.state.count == 0)
    }

    @Test func renderMasksSecretsAndShowsProvenance() throws {
        let repository = try TemporaryRepository([
            "resources/a.yaml": """
            apiVersion: apimsync/v1
            kind: NamedValue
            metadata: { name: key }
            spec: { displayName: key, secret: true, valueFrom: { env: AOAI_KEY } }
            ---
            apiVersion: apimsync/v1
            kind: Logger
            metadata: { name: appinsights }
            spec:
              loggerType: applicationInsights
              credentials: { instrumentationKey: 0000-literal-key }

            """
        ])
        let result = repository.loader.load()
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.severity) == [.warning])
        let text = DesiredStateRenderer.render(result.state)
        #expect(!text.contains("0000-literal-key"))
        #expect(text.contains("instrumentationKey: \"***\""))
        #expect(text.contains("\nsecretFrom: env:AOAI_KEY\n"))
        #expect(text.hasPrefix("---\nid: namedValues/key\nkind: NamedValue\n"))
        #expect(text.contains("\nsource: \(repository.root)/resources/a.yaml:2:7\n"))
    }
}
