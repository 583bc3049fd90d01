import Emulator
import Foundation
import TestSupport
import Testing

/// The 2026 AI-gateway surface end to end through the real binary: `Tests/Fixtures/ai-gateway` uses every kind and
/// field of it (users, group memberships, subscriptions per user, Key Vault certificates, authorization providers
/// with authorizations and access policies, managed-identity backends, session-affine pools with a failure
/// response, MCP servers and API tools, LLM diagnostics, caches, and an OpenAIGateway with semantic caching,
/// content safety, LLM logging, session affinity and MCP) against an emulator reached as an ARM endpoint at a
/// preview api-version.
@Suite(.timeLimit(.minutes(3))) struct AIGatewaySurfaceTests {
    static let previewVersion = "2025-09-01-preview"
    static let secrets = [
        "REDIS_CONNECTION_STRING": "redis.example:6380,password=Redis-Secret-9931",
        "GITHUB_CLIENT_SECRET": "GitHub-Secret-7310",
    ]

    /// A copy of the fixture with an environment `ci` that reaches `emulator` at `apiVersion`.
    func repository(reaching emulator: RunningEmulator, apiVersion: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apimsync-aig-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("ai-gateway"), to: root)
        let config = root.appendingPathComponent("apimsync.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "  environments:\n",
            with: """
                  environments:
                    ci:
                      target:
                \(EmulatorHarness.endpointTarget(for: emulator, indent: 8, apiVersion: apiVersion))
                      variables: { aoai01: https://apimaoai01.openai.azure.com, aoai02: https://apimaoai02.openai.azure.com }

                """)
        try text.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    @Test func everyKindAppliesAtAPreviewVersionConvergesAndSurvivesExport() async throws {
        try #require(TestPaths.binaryIsBuilt)
        try await EmulatorHarness.with { emulator, _ in
            let config = try repository(reaching: emulator, apiVersion: Self.previewVersion).path
            let environment = Self.secrets.merging(["APIMSYNC_TOKEN": EmulatorHarness.token]) { $1 }
            var outputs: [String] = []
            func apimsync(
                _ arguments: [String], extra: [String: String] = [:]
            ) async throws -> (
                status: Int32, output: String
            ) {
                let result = try await ChildProcess.apimsync(
                    arguments, environment: environment.merging(extra) { $1 })
                outputs.append(result.output)
                return result
            }

            let valid = try await apimsync(["validate", "--config", config, "--env", "ci"])
            #expect(valid.status == 0, "\(valid.output)")
            #expect(valid.output.contains("valid, 28 resources"), "\(valid.output)")

            let applied = try await apimsync(["apply", "--config", config, "--env", "ci", "--auto-approve"])
            #expect(applied.status == 0, "\(applied.output)")
            #expect(applied.output.contains("Apply complete: 28 applied, 0 failed"), "\(applied.output)")
            let stats = await emulator.stats()
            for kind in ["apis/tools", "users", "groups/users", "authorizationProviders", "caches", "certificates"] {
                #expect(
                    stats.byMethodAndKind["PUT \(kind)", default: 0] > 0, "no PUT \(kind): \(stats.byMethodAndKind)")
            }

            let replanned = try await apimsync(["plan", "--config", config, "--env", "ci"])
            #expect(replanned.status == 0, "\(replanned.output)")
            #expect(replanned.output.contains("No changes."), "\(replanned.output)")

            let exportRoot = FileManager.default.temporaryDirectory.appendingPathComponent(
                "apimsync-aig-export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: exportRoot) }
            let exported = try await apimsync([
                "export", "--config", config, "--env", "ci", "--out", exportRoot.path,
            ])
            #expect(exported.status == 0, "\(exported.output)")
            let exportedConfig = exportRoot.appendingPathComponent("apimsync.yaml")
            let exportedText = try String(contentsOf: exportedConfig, encoding: .utf8)
            #expect(exportedText.contains("apiVersion: \(Self.previewVersion)"), "\(exportedText)")

            // The export names the environment variables its secrets come from; with them set, the exported
            // repository describes exactly what is live.
            let variables = exported.output.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.range(of: "set ") else { return nil }
                return line[range.upperBound...].split(separator: " ").first.map(String.init)
            }
            #expect(!variables.isEmpty, "\(exported.output)")
            let exportSecrets = Dictionary(uniqueKeysWithValues: variables.map { ($0, "Exported-Secret-5521") })
            let fromExport = try await apimsync(
                ["plan", "--config", exportedConfig.path, "--env", "ci"], extra: exportSecrets)
            #expect(fromExport.status == 0, "\(fromExport.output)")
            #expect(fromExport.output.contains("No changes."), "\(fromExport.output)")

            var written = [exportedText]
            if let files = FileManager.default.enumerator(at: exportRoot, includingPropertiesForKeys: nil) {
                for case let file as URL in files where file.pathExtension == "yaml" || file.pathExtension == "xml" {
                    written.append((try? String(contentsOf: file, encoding: .utf8)) ?? "")
                }
            }
            for text in outputs + written {
                for secret in ["Redis-Secret-9931", "GitHub-Secret-7310", EmulatorHarness.token] {
                    #expect(!text.contains(secret), "a secret leaked: \(text)")
                }
            }
        }
    }

    @Test func theGAVersionRejectsEachPreviewOnlyFieldOnceBeforeAnythingIsSent() async throws {
        try #require(TestPaths.binaryIsBuilt)
        try await EmulatorHarness.with { emulator, _ in
            let config = try repository(reaching: emulator, apiVersion: "2024-05-01").path
            let result = try await ChildProcess.apimsync(
                ["validate", "--config", config, "--env", "ci"],
                environment: Self.secrets.merging(["APIMSYNC_TOKEN": EmulatorHarness.token]) { $1 })
            #expect(result.status == 1, "\(result.output)")
            let versionErrors = result.output.split(separator: "\n").filter {
                $0.contains(": error: ") && $0.contains("2024-05-01")
            }
            #expect(versionErrors.count >= 10, "\(result.output)")
            // One message per field, each at the field's own line.
            #expect(Set(versionErrors).count == versionErrors.count, "\(result.output)")
            #expect(versionErrors.allSatisfy { $0.contains(".yaml:") }, "\(result.output)")
            #expect(await emulator.stats().totalRequests == 0)
        }
    }
}
