import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// `kind: Cache`: an external Redis cache whose connection string never enters git.
@Suite struct CacheKindTests {
    static let cache = """
        apiVersion: apimsync/v1
        kind: Cache
        metadata: { name: westeurope }
        spec:
          description: Redis Enterprise for semantic caching
          connectionStringFrom: { env: REDIS_CONNECTION_STRING }
          resourceId: https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/r

        """

    @Test func lowersWithTheConnectionStringAsASecretFromTheEnvironment() throws {
        let repository = try TemporaryRepository(["resources/cache.yaml": Self.cache])
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let cache = try #require(result.state[ResourceID(.cache, "westeurope")])
        #expect(cache.properties["useFromLocation"] == "westeurope")
        #expect(cache.properties["description"] == "Redis Enterprise for semantic caching")
        #expect(cache.properties["connectionString"] == nil)
        #expect(cache.secrets == ["connectionString": .environment("REDIS_CONNECTION_STRING")])
        let rendered = DesiredStateRenderer.render(result.state)
        #expect(rendered.contains("secretFrom:\n  connectionString: env:REDIS_CONNECTION_STRING\n"), "\(rendered)")
    }

    @Test func theSpecLimitsAndAMissingSourceAreReportedWhereWritten() throws {
        let broken = Self.cache.replacingOccurrences(
            of: "  connectionStringFrom: { env: REDIS_CONNECTION_STRING }\n",
            with: "  useFromLocation: \(String(repeating: "w", count: 257))\n")
        let repository = try TemporaryRepository(["resources/cache.yaml": broken])
        #expect(
            repository.diagnostics() == [
                "resources/cache.yaml:5:3: error: missing required field 'connectionStringFrom' in 'spec'",
                "resources/cache.yaml:6:20: error: 'spec.useFromLocation' is 257 characters; APIM allows at most 256",
            ])
    }

    @Test func exportNamesTheVariableAndReadsBackTheSame() throws {
        let live = State([
            Resource(
                id: ResourceID(.cache, "default"),
                properties: [
                    "description": "shared", "useFromLocation": "default",
                    "connectionString": "redis.example.com:10000,password=never-exported,ssl=True",
                ])
        ])
        let exported = ManifestExporter.export(
            live, definitions: [:],
            environment: .init(name: "local", target: .emulator(stateFile: "state.json")))
        let manifest = try #require(exported.files.first { $0.path == "resources/caches.yaml" })
        #expect(!manifest.contents.contains("never-exported"))
        #expect(manifest.contents.contains("CACHE_DEFAULT_CONNECTION_STRING"), "\(manifest.contents)")
        #expect(exported.notes.contains { $0.contains("set CACHE_DEFAULT_CONNECTION_STRING") })
        var files: [String: String] = [:]
        for file in exported.files { files[file.path] = file.contents }
        let repository = try TemporaryRepository(files)
        let reloaded = repository.loader.load()
        #expect(reloaded.diagnostics.isEmpty, "\(reloaded.diagnostics)")
        let cache = try #require(reloaded.state[ResourceID(.cache, "default")])
        #expect(cache.properties == ["description": "shared", "useFromLocation": "default"])
        #expect(cache.secrets == ["connectionString": .environment("CACHE_DEFAULT_CONNECTION_STRING")])
    }
}
