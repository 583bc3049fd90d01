import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// Exported repositories: ARM ids become names, secrets become environment references, and what is written
/// loads back to the properties it came from.
@Suite struct ManifestExporterTests {
    static let service = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim"

    /// Live state as the reader returns it: full ARM ids in references, a secret without its value.
    static let live = State([
        Resource(id: ResourceID(.namedValue, "aoai-key"), properties: ["displayName": "aoai-key", "secret": true]),
        Resource(
            id: ResourceID(.namedValue, "kv-key"),
            properties: [
                "displayName": "kv-key", "secret": true,
                "keyVault": ["secretIdentifier": "https://kv.vault.azure.net/secrets/x", "identityClientId": .null],
            ]),
        Resource(
            id: ResourceID(.namedValue, "region"),
            properties: ["displayName": "region", "secret": false, "value": "westeurope", "tags": ["aoai"]]),
        Resource(
            id: ResourceID(.backend, "b1"),
            properties: [
                "type": "Single", "url": "https://b1.example.com/openai", "protocol": "http",
                "credentials": ["header": ["api-key": ["{{aoai-key}}"]]],
            ]),
        Resource(
            id: ResourceID(.backend, "pool"),
            properties: [
                "type": "Pool",
                "pool": ["services": [["id": .string(service + "/backends/b1"), "priority": 1, "weight": .null]]],
            ]),
        Resource(
            id: ResourceID(.logger, "ai"),
            properties: ["loggerType": "applicationInsights", "credentials": ["connectionString": "{{aoai-key}}"]]),
        Resource(
            id: ResourceID(.diagnostic, "applicationinsights"),
            properties: ["loggerId": .string(service + "/loggers/ai"), "alwaysLog": "allErrors"]),
        Resource(id: ResourceID(.product, "gold"), properties: ["displayName": "Gold", "state": "published"]),
        Resource(id: ResourceID(.productPolicy, "gold"), properties: ["format": "rawxml", "value": "<policies />"]),
        Resource(
            id: ResourceID(.subscription, "team-a"),
            properties: ["displayName": "team-a", "scope": .string(service + "/products/gold"), "state": "active"]),
    ])

    @Test func referencesBecomeNamesAndSecretsEnvironmentReferences() throws {
        let result = ManifestExporter.export(
            Self.live, definitions: [:],
            environment: .init(name: "local", target: .emulator(stateFile: "state.json")))
        let files = Dictionary(uniqueKeysWithValues: result.files.map { ($0.path, $0.contents) })
        let namedValues = try #require(files["resources/named-values.yaml"])
        #expect(namedValues.contains("valueFrom:\n    env: AOAI_KEY"))
        #expect(namedValues.contains("keyVault:\n    secretIdentifier: https://kv.vault.azure.net/secrets/x\n"))
        #expect(!namedValues.contains("identityClientId"))
        #expect(
            try #require(files["resources/backends.yaml"]).contains("pool:\n    - backend: b1\n      priority: 1\n"))
        #expect(try #require(files["resources/diagnostics.yaml"]).contains("loggerId: ai\n"))
        #expect(try #require(files["resources/subscriptions.yaml"]).contains("scope: products/gold\n"))
        #expect(files["policies/products/gold.xml"] == "<policies />\n")
        #expect(result.notes == ["named value 'aoai-key' is secret: set AOAI_KEY where apimsync runs"])

        let repository = try TemporaryRepository(files)
        let loaded = repository.loader.load()
        #expect(!loaded.hasErrors, "\(loaded.diagnostics)")
        #expect(loaded.state[ResourceID(.namedValue, "aoai-key")]?.secrets == ["value": .environment("AOAI_KEY")])
        #expect(
            loaded.state[ResourceID(.backend, "pool")]?.properties["pool"]?["services"]?.arrayValue?.first?["id"]?
                .stringValue
                == "/backends/b1")
        #expect(loaded.state[ResourceID(.subscription, "team-a")]?.properties["scope"]?.stringValue == "/products/gold")
        #expect(
            loaded.state[ResourceID(.namedValue, "region")]?.properties
                == Self.live[ResourceID(.namedValue, "region")]?
                .properties)
    }
}
