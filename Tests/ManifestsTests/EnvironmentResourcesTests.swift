import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// `spec.environments.<name>.resources`: folders of manifests only that environment has, and the lab's production
/// environment, which uses them for its semantic cache and LLM logging.
@Suite struct EnvironmentResourcesTests {
    static let config =
        TemporaryRepository.config + """
                prod:
                  target: { subscriptionId: s, resourceGroup: rg, service: apim }
                  resources: [environments/prod]

            """

    static func namedValue(_ name: String) -> String {
        "apiVersion: apimsync/v1\nkind: NamedValue\nmetadata: { name: \(name) }\nspec: { displayName: \(name), value: v }\n"
    }

    @Test func anEnvironmentsOwnFoldersAddToTheRepositorysOnlyForIt() throws {
        let repository = try TemporaryRepository([
            "apimsync.yaml": Self.config, "resources/shared.yaml": Self.namedValue("shared"),
            "environments/prod/only.yaml": Self.namedValue("prod-only"),
        ])
        let local = repository.loader.load(environment: "local")
        let prod = repository.loader.load(environment: "prod")
        #expect(!local.hasErrors && !prod.hasErrors, "\(local.diagnostics) \(prod.diagnostics)")
        #expect(local.state.sorted.map(\.id.name) == ["shared"])
        #expect(prod.state.sorted.map(\.id.name).sorted() == ["prod-only", "shared"])
        let source = try #require(prod.state[ResourceID(.namedValue, "prod-only")]?.origin)
        #expect(source.file.hasSuffix("environments/prod/only.yaml"))
    }

    @Test func aMissingEnvironmentFolderIsAnErrorForThatEnvironment() throws {
        let repository = try TemporaryRepository([
            "apimsync.yaml": Self.config, "resources/shared.yaml": Self.namedValue("shared"),
        ])
        #expect(repository.diagnostics(environment: "local").isEmpty)
        #expect(
            repository.diagnostics(environment: "prod") == [
                "apimsync.yaml:2:7: error: resources folder 'environments/prod' does not exist"
            ])
    }

    @Test func theLabsProductionCachesSimilarPromptsAndLogsLLMMessages() throws {
        let loader = ManifestLoader(configPath: RepositoryTests.labConfig)
        let prod = loader.load(environment: "prod")
        let local = loader.load(environment: "local")
        #expect(!prod.hasErrors && !local.hasErrors, "\(prod.diagnostics)")
        let productionOnly: [ResourceID] = [
            ResourceID(.cache, "westeurope"), ResourceID(.logger, "azuremonitor"),
            ResourceID(.backend, "aoai-embeddings"), ResourceID(.apiDiagnostic, "aoai", "azuremonitor"),
        ]
        for id in productionOnly {
            #expect(prod.state[id] != nil, "prod lacks \(id)")
            #expect(local.state[id] == nil, "local has \(id)")
        }
        let policy = try #require(
            prod.state[ResourceID(.apiPolicy, "aoai")]?.properties["value"]?.stringValue)
        #expect(policy.contains("<llm-semantic-cache-lookup score-threshold=\"0.8\""))
        #expect(policy.contains("<llm-semantic-cache-store duration=\"3600\""))
        let diagnostic = try #require(prod.state[ResourceID(.apiDiagnostic, "aoai", "azuremonitor")]?.properties)
        #expect(diagnostic["largeLanguageModel"]?["logs"]?.stringValue == "enabled")
        #expect(prod.state[ResourceID(.cache, "westeurope")]?.secrets["connectionString"] != nil)
    }

    @Test func theLabsProductionNeedsItsPreviewVersion() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-lab-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: TestPaths.lab, to: root)
        let config = root.appendingPathComponent("apimsync.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        let ga = text.replacingOccurrences(of: "apiVersion: 2024-06-01-preview", with: "apiVersion: 2024-05-01")
        #expect(ga != text)
        try ga.write(to: config, atomically: true, encoding: .utf8)
        let diagnostics = ManifestLoader(configPath: config.path).load(environment: "prod").diagnostics
            .filter { $0.severity == .error }
        #expect(!diagnostics.isEmpty)
        #expect(
            diagnostics.allSatisfy {
                $0.location?.file.hasSuffix("overlays/prod/aoai-gateway.yaml") == true
                    && $0.message.contains("2024-05-01")
            }, "\(diagnostics)")
    }
}
