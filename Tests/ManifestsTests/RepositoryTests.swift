import Foundation
import Manifests
import Model
import TestSupport
import Testing

@Suite struct RepositoryTests {
    /// The tests' copy of the reference lab (`manifests/`), written with `kind: OpenAIGateway`.
    static let labConfig = TestPaths.lab.appendingPathComponent("apimsync.yaml").path
    /// The same lab written with plain kinds only, a repository of its own.
    static let plainConfig = TestPaths.lab.appendingPathComponent("examples/plain/apimsync.yaml").path

    @Test(arguments: [labConfig, plainConfig])
    func referenceLabIsValidInEveryEnvironment(_ configPath: String) throws {
        let result = ManifestLoader(configPath: configPath).validateAllEnvironments()
        #expect(
            result.diagnostics.isEmpty, Comment(rawValue: result.diagnostics.map(\.description).joined(separator: "\n"))
        )
        let config = try #require(result.config)
        #expect(config.environments.keys.sorted() == ["local", "prod"])
        #expect(config.environments["local"]?.target == .emulator(stateFile: ".apimsync/local-state.json"))
    }

    /// Both repositories describe the same APIM objects.
    static let labEntities: Set<String> = [
        "policies/policy", "namedValues/appinsights-connection-string", "loggers/appinsights", "tags/aoai",
        "backends/aoai-apimaoai01", "backends/aoai-apimaoai02", "backends/aoai-gpt-4o-pool",
        "policyFragments/aoai-extra-inbound", "apis/aoai", "apis/aoai/policies/policy",
        "apis/aoai/operations/chatcompletions-create/policies/policy", "apis/aoai/diagnostics/applicationinsights",
        "apis/aoai/tags/aoai", "products/aoai-gold", "products/aoai-gold/apis/aoai",
        "products/aoai-gold/groups/developers", "products/aoai-gold/policies/policy", "subscriptions/team-a",
    ]

    @Test(arguments: [labConfig, plainConfig])
    func referenceLabLowersToTheExpectedEntities(_ configPath: String) throws {
        let result = ManifestLoader(configPath: configPath).load()
        #expect(Set(result.state.sorted.map(\.id.armPath)) == Self.labEntities)
        let pool = try #require(result.state[ResourceID(.backend, "aoai-gpt-4o-pool")])
        #expect(
            pool.properties["pool"] == [
                "services": [
                    ["id": "/backends/aoai-apimaoai01", "priority": 1, "weight": 50],
                    ["id": "/backends/aoai-apimaoai02", "priority": 2, "weight": 50],
                ]
            ])
        #expect(
            pool.dependencies == [ResourceID(.backend, "aoai-apimaoai01"), ResourceID(.backend, "aoai-apimaoai02")])
        let backend = try #require(result.state[ResourceID(.backend, "aoai-apimaoai01")])
        #expect(backend.properties["url"] == "https://apimaoai01.openai.azure.com/openai")
        let apiPolicy = try #require(result.state[ResourceID(.apiPolicy, "aoai")])
        #expect(
            apiPolicy.dependencies == [
                ResourceID(.api, "aoai"), ResourceID(.backend, "aoai-gpt-4o-pool"),
                ResourceID(.backend, "aoai-apimaoai01"), ResourceID(.policyFragment, "aoai-extra-inbound"),
            ])
        let secret = try #require(result.state[ResourceID(.namedValue, "appinsights-connection-string")])
        #expect(secret.secrets == ["value": .environment("APPINSIGHTS_CONNECTION_STRING")])
        #expect(secret.properties["value"] == nil)
        let api = try #require(result.state[ResourceID(.api, "aoai")])
        #expect(api.specification?.format == "openapi+json")
        let subscription = try #require(result.state[ResourceID(.subscription, "team-a")])
        #expect(subscription.dependencies == [ResourceID(.product, "aoai-gold")])
    }

    @Test func theGatewayLabMarksWhatTheGatewayGenerated() throws {
        let lab = ManifestLoader(configPath: Self.labConfig).load().state
        let generated = Set(lab.sorted.filter { $0.generatedBy == "OpenAIGateway/aoai" }.map(\.id.armPath))
        let handWritten: Set<String> = [
            "policies/policy", "namedValues/appinsights-connection-string", "loggers/appinsights", "tags/aoai",
            "subscriptions/team-a",
        ]
        #expect(generated == Self.labEntities.subtracting(handWritten))
        #expect(lab.sorted.allSatisfy { $0.generatedBy == nil || $0.generatedBy == "OpenAIGateway/aoai" })
        let plain = ManifestLoader(configPath: Self.plainConfig).load().state
        #expect(plain.count == Self.labEntities.count)
        #expect(plain.sorted.allSatisfy { $0.generatedBy == nil })
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
