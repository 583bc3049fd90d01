import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// One gateway repository whose whole rendered expansion is kept as a golden file under `Goldens/`.
struct GatewayGoldenCase: CustomTestStringConvertible, Sendable {
    var name: String
    var gateway: String
    var files: [String: String] = [:]
    var testDescription: String { name }
}

/// Golden files of `apimsync render`. A missing golden is written and the test fails, so that a new golden is
/// always read before it is trusted; `APIMSYNC_RECORD_GOLDENS=1` rewrites them all (and fails too).
enum Goldens {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    static func expect(
        _ actual: String, matches name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let url = folder.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["APIMSYNC_RECORD_GOLDENS"] == "1"
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded golden \(name); read it, then run the tests again", sourceLocation: sourceLocation)
            return
        }
        if actual != expected {
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first =
                zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actualLines.count, expectedLines.count)
            let got = first < actualLines.count ? String(actualLines[first]) : "<end>"
            let wanted = first < expectedLines.count ? String(expectedLines[first]) : "<end>"
            Issue.record(
                "\(name) differs from the golden at line \(first + 1):\n  expected: \(wanted)\n  actual:   \(got)",
                sourceLocation: sourceLocation)
        }
    }
}

extension GatewayGoldenCase {
    /// The API definition every case imports.
    static let spec = """
        {"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
         "paths": {"/deployments/{deployment-id}/chat/completions": {"post": {"operationId": "ChatCompletions_Create",
           "parameters": [{"name": "api-version", "in": "query", "required": true}]}},
           "/deployments/{deployment-id}/embeddings": {"post": {"operationId": "embeddings_create",
           "parameters": [{"name": "api-version", "in": "query", "required": true}]}}}}
        """

    /// The logger and secret named value the gateways report metrics to, as a further document.
    static let logger = "---\n" + GatewaySnippets.logger

    static let all: [GatewayGoldenCase] =
        [
            GatewayGoldenCase(
                name: "managed-identity-by-deployment",
                gateway: """
                    apiVersion: apimsync/v1
                    kind: OpenAIGateway
                    metadata: { name: gw }
                    spec:
                      api: { path: ai, displayName: OpenAI, specification: { file: specs/inference.json } }
                      auth: { mode: managedIdentity, clientId: 11111111-2222-3333-4444-555555555555 }
                      instances:
                        - { name: east, endpoint: "https://east.openai.azure.com/", priority: 2, weight: 30, deployments: [gpt-4o, embed] }
                        - { name: ptu, endpoint: "https://ptu.openai.azure.com", priority: 0, deployments: [gpt-4o, gpt-4o-mini] }
                        - { name: west, endpoint: "https://west.openai.azure.com", priority: 2, weight: 70, deployments: [gpt-4o] }
                      circuitBreaker: { statusCodes: [429], failures: 3, interval: PT10S, tripDuration: PT30S, acceptRetryAfter: false }
                      tokenLimit: { tokensPerMinute: 2000, counterKey: ip, estimatePromptTokens: true }

                    """),
            GatewayGoldenCase(
                name: "api-key-auth",
                gateway: """
                    apiVersion: apimsync/v1
                    kind: OpenAIGateway
                    metadata: { name: keys }
                    spec:
                      api: { path: keys, displayName: OpenAI with keys, specification: { file: specs/inference.json } }
                      auth: { mode: apiKey }
                      instances:
                        - { name: aoai-01, endpoint: "${aoai01}", priority: 1, deployments: [gpt-4o] }
                        - { name: aoai-02, endpoint: "${aoai02}", priority: 2, deployments: [gpt-4o] }

                    """),
            GatewayGoldenCase(
                name: "routing-by-pool",
                gateway: """
                    apiVersion: apimsync/v1
                    kind: OpenAIGateway
                    metadata: { name: shared }
                    spec:
                      api: { path: "", displayName: Shared pool, specification: { file: specs/inference.json } }
                      instances:
                        - { name: one, endpoint: "${aoai01}", weight: 25 }
                        - { name: two, endpoint: "${aoai02}", weight: 75 }
                        - { name: three, endpoint: "https://three.openai.azure.com", weight: 0 }
                      routing: { by: pool }
                      retry: { on: [429, 500, 503], count: 1 }
                      metrics:
                        namespace: aoai-tokens
                        loggerId: appinsights
                        samplingPercentage: 25
                        dimensions: [apiId, productId, { name: Team, value: "@(context.Request.Headers.GetValueOrDefault(\\"x-team\\", \\"none\\"))" }]

                    """ + logger),
            GatewayGoldenCase(
                name: "azure-openai-dialect",
                gateway: """
                    apiVersion: apimsync/v1
                    kind: OpenAIGateway
                    metadata: { name: classic }
                    spec:
                      dialect: azure-openai
                      api: { path: classic, displayName: Classic, specification: { file: specs/inference.json } }
                      instances:
                        - { name: one, endpoint: "${aoai01}", priority: 1, weight: 50, deployments: [gpt-4o] }
                        - { name: two, endpoint: "${aoai02}", priority: 1, weight: 50, deployments: [gpt-4o] }
                      tokenLimit: { quota: { tokens: 500000, period: Daily } }
                      metrics: { loggerId: appinsights, dimensions: [subscriptionId, deployment] }
                      extraPolicy: { inboundFile: policies/extra.xml }

                    """ + logger,
                files: [
                    "policies/extra.xml": """
                    <fragment>
                        <set-header name="x-caller" exists-action="override">
                            <value>@(context.Subscription.Name)</value>
                        </set-header>
                    </fragment>

                    """
                ]),
            GatewayGoldenCase(
                name: "product-tiers",
                gateway: """
                    apiVersion: apimsync/v1
                    kind: OpenAIGateway
                    metadata: { name: tiers }
                    spec:
                      api: { path: tiers, displayName: Tiers, specification: { file: specs/inference.json } }
                      instances:
                        - { name: one, endpoint: "${aoai01}", deployments: [gpt-4o] }
                      tokenLimit: { tokensPerMinute: 1000, counterKey: ip }
                      metrics: { loggerId: appinsights }
                      products:
                        - { name: gold, displayName: Gold, tokensPerMinute: 50000, quota: { tokens: 9000000, period: Monthly }, groups: [developers] }
                        - { name: silver, displayName: Silver, description: Team budget, quota: { tokens: 100000, period: Weekly }, approvalRequired: true }

                    """ + logger),
            GatewayGoldenCase(
                name: "single-instance",
                gateway: """
                    apiVersion: apimsync/v1
                    kind: OpenAIGateway
                    metadata: { name: solo }
                    spec:
                      api: { path: solo, sdkCompatible: false, displayName: Solo, specification: { file: specs/inference.json } }
                      instances:
                        - { name: only, endpoint: "${aoai01}" }
                      routing: { by: pool }

                    """),
        ] + aiGateway

    /// `apimsync.yaml` on a preview api-version that has every field an option generates.
    static func config(_ version: String) -> String {
        TemporaryRepository.config.replacingOccurrences(
            of: "target: { emulator: state.json }", with: "target: { emulator: state.json, apiVersion: \(version) }")
    }

    /// Two instances hosting chat and embeddings, plus `options` under `spec`.
    static func gateway(_ name: String, _ options: String, extra: String = "") -> String {
        """
        apiVersion: apimsync/v1
        kind: OpenAIGateway
        metadata: { name: \(name) }
        spec:
          api: { path: \(name), displayName: \(name), specification: { file: specs/inference.json } }
          instances:
            - { name: one, endpoint: "${aoai01}", priority: 1, deployments: [gpt-4o, text-embedding-3-small] }
            - { name: two, endpoint: "${aoai02}", priority: 2, deployments: [gpt-4o] }
        \(options)
        """ + extra
    }

    static let cache = """
        ---
        apiVersion: apimsync/v1
        kind: Cache
        metadata: { name: westeurope }
        spec: { connectionStringFrom: { env: REDIS_CONNECTION_STRING } }

        """

    static let monitor = """
        ---
        apiVersion: apimsync/v1
        kind: Logger
        metadata: { name: azuremonitor }
        spec: { loggerType: azureMonitor }

        """

    /// One golden per AI-gateway option (issue "The 2026 AI gateway surface").
    static let aiGateway: [GatewayGoldenCase] = [
        GatewayGoldenCase(
            name: "semantic-cache",
            gateway: gateway(
                "cached",
                """
                  semanticCache:
                    cache: westeurope
                    embeddings: { deployment: text-embedding-3-small }
                    scoreThreshold: 0.9
                    varyBy: [subscription, deployment]
                    ttl: PT2H

                """, extra: cache)),
        GatewayGoldenCase(
            name: "content-safety",
            gateway: gateway(
                "safe",
                """
                  contentSafety:
                    endpoint: https://safety.cognitiveservices.azure.com
                    categories: { Hate: 4, Violence: 2 }
                    shieldPrompt: true

                """), files: ["apimsync.yaml": config("2024-06-01-preview")]),
        GatewayGoldenCase(
            name: "llm-logging",
            gateway: gateway(
                "logged", "  logging: { loggerId: azuremonitor, maxSizeInBytes: 65536 }\n", extra: monitor),
            files: ["apimsync.yaml": config("2024-06-01-preview")]),
        GatewayGoldenCase(
            name: "session-affinity",
            gateway: gateway("sticky", "  sessionAffinity: { cookie: apim-session }\n"),
            files: ["apimsync.yaml": config("2024-10-01-preview")]),
        GatewayGoldenCase(
            name: "mcp",
            gateway: gateway("tools", "  mcp: { operations: [chatcompletions-create] }\n"),
            files: ["apimsync.yaml": config("2025-09-01-preview")]),
    ]
}

@Suite struct OpenAIGatewayGoldenTests {
    @Test(arguments: GatewayGoldenCase.all)
    func expansionMatchesItsGolden(_ testCase: GatewayGoldenCase) throws {
        var files = testCase.files
        files["resources/gateway.yaml"] = testCase.gateway
        files["specs/inference.json"] = GatewayGoldenCase.spec
        let repository = try TemporaryRepository(files)
        let result = repository.loader.load()
        #expect(!result.hasErrors, Comment(rawValue: result.diagnostics.map(\.description).joined(separator: "\n")))
        let diagnostics = result.diagnostics.map(\.description).joined(separator: "\n")
        let text = DesiredStateRenderer.render(result.state).replacingOccurrences(of: repository.root + "/", with: "")
        let header = diagnostics.isEmpty ? "" : "# " + diagnostics.replacingOccurrences(of: "\n", with: "\n# ") + "\n"
        try Goldens.expect(header + text, matches: "\(testCase.name).yaml")
    }

    @Test func labExpansionMatchesItsGolden() throws {
        let result = ManifestLoader(configPath: RepositoryTests.labConfig).load()
        #expect(result.diagnostics.isEmpty)
        // The golden names the lab's files as they are in the repository: manifests/…
        let text = DesiredStateRenderer.render(result.state).replacingOccurrences(
            of: TestPaths.lab.path + "/", with: "manifests/")
        try Goldens.expect(text, matches: "lab.yaml")
    }
}
