import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// Environment overlays: merged into the manifest they name for that environment only, and every mistake in one
/// reported at the overlay's own line.
@Suite struct OverlayTests {
    static let config =
        TemporaryRepository.config + """
                prod:
                  target: { subscriptionId: s, resourceGroup: rg, service: apim }
                  variables: { region: westeurope }
                  overlays: [overlays/prod]

            """

    static let backend = """
        apiVersion: apimsync/v1
        kind: Backend
        metadata: { name: aoai01 }
        spec:
          url: https://aoai01.example.com/openai
          description: instance 01
          tls: { validateCertificateChain: true, validateCertificateName: true }
          circuitBreaker:
            rules:
              - name: r1
                failureCondition: { count: 1, interval: PT1M, statusCodeRanges: [{ min: 429, max: 429 }] }
                tripDuration: PT1M

        """

    /// A repository whose `prod` overlay changes Backend `name` with `spec` (YAML lines under `spec:`).
    static func repository(name: String = "aoai01", spec: String) throws -> TemporaryRepository {
        let overlay = "apiVersion: apimsync/v1\nkind: Backend\nmetadata: { name: \(name) }\nspec:\n" + spec
        return try TemporaryRepository([
            "apimsync.yaml": config, "resources/backends.yaml": backend, "overlays/prod/backends.yaml": overlay,
        ])
    }

    @Test func mergesMappingsReplacesScalarsAndListsAndRemovesNulls() throws {
        let repository = try Self.repository(
            spec: """
                  url: https://aoai01-${region}.example.com/openai
                  description: null
                  tls: { validateCertificateName: false }
                  circuitBreaker:
                    rules:
                      - name: prod
                        failureCondition: { count: 3, interval: PT5M, statusCodeRanges: [{ min: 500, max: 599 }] }
                        tripDuration: PT2M
                """)
        let prod = repository.loader.load(environment: "prod")
        #expect(!prod.hasErrors, "\(prod.diagnostics)")
        let backend = try #require(prod.state[ResourceID(.backend, "aoai01")]).properties
        #expect(backend["url"]?.stringValue == "https://aoai01-westeurope.example.com/openai")
        #expect(backend["description"] == nil)
        #expect(backend["tls"] == ["validateCertificateChain": true, "validateCertificateName": false])
        #expect(backend["circuitBreaker"]?["rules"]?.arrayValue?.map { $0["name"]?.stringValue } == ["prod"])

        let local = repository.loader.load(environment: "local")
        #expect(!local.hasErrors)
        let base = try #require(local.state[ResourceID(.backend, "aoai01")]).properties
        #expect(base["url"]?.stringValue == "https://aoai01.example.com/openai")
        #expect(base["description"]?.stringValue == "instance 01")
    }

    @Test func anOverlayOfNoManifestIsAnErrorAtItsName() throws {
        let repository = try Self.repository(
            name: "aoai1",
            spec: """
                  description: prod
                """)
        #expect(
            repository.diagnostics(environment: "prod") == [
                "overlays/prod/backends.yaml:3:19: error: overlay of environment 'prod' changes Backend 'aoai1', "
                    + "which no manifest defines; did you mean 'aoai01'?"
            ])
        #expect(repository.diagnostics(environment: "local").isEmpty)
    }

    @Test func aTypoInAnOverlayIsReportedAtTheOverlaysLine() throws {
        let repository = try Self.repository(
            spec: """
                  descripton: prod
                  tls: { validateCertificateChian: false }
                """)
        let diagnostics = repository.diagnostics(environment: "prod")
        #expect(diagnostics.count == 2, "\(diagnostics)")
        #expect(
            diagnostics.first?.hasPrefix(
                "overlays/prod/backends.yaml:5:3: error: unknown field 'descripton' in 'spec'; did you mean 'description'?"
            ) == true, "\(diagnostics)")
        #expect(diagnostics.last?.hasPrefix("overlays/prod/backends.yaml:6:10: error: unknown field") == true)
    }

    @Test func aMissingOverlayFolderIsAnError() throws {
        let repository = try TemporaryRepository([
            "apimsync.yaml": Self.config, "resources/backends.yaml": Self.backend,
        ])
        #expect(
            repository.diagnostics(environment: "prod").contains {
                $0.contains("error: overlay 'overlays/prod' of environment 'prod' does not exist")
            })
    }
}
