import Foundation
import Manifests
import Model
import TestSupport
import Testing

/// A valid gateway the broken cases are made of; line numbers matter to the expectations below.
enum GatewaySnippets {
    static let gateway = """
        apiVersion: apimsync/v1
        kind: OpenAIGateway
        metadata: { name: aoai }
        spec:
          api: { path: aoai, displayName: Azure OpenAI, specification: { file: specs/inference.json } }
          instances:
            - { name: one, endpoint: "${aoai01}", priority: 1, weight: 50, deployments: [gpt-4o, embed] }
            - { name: two, endpoint: "${aoai02}", priority: 2, weight: 50, deployments: [gpt-4o] }
          routing: { by: deployment }
          retry: { on: [429, 503], count: auto }
          tokenLimit: { tokensPerMinute: 1000 }
          metrics: { loggerId: appinsights, dimensions: [subscriptionId, deployment] }

        """

    static let logger = """
        apiVersion: apimsync/v1
        kind: Logger
        metadata: { name: appinsights }
        spec: { loggerType: applicationInsights, credentials: { connectionString: "{{appinsights}}" } }
        ---
        apiVersion: apimsync/v1
        kind: NamedValue
        metadata: { name: appinsights }
        spec: { displayName: appinsights, secret: true, valueFrom: { env: APPINSIGHTS } }

        """

    /// The gateway with `replacements` applied, plus the logger and specification it needs.
    static func files(_ replacements: [(String, String)] = [], extra: [String: String] = [:]) -> [String: String] {
        var text = gateway
        for (old, new) in replacements {
            precondition(text.contains(old), "snippet has no '\(old)'")
            text = text.replacingOccurrences(of: old, with: new)
        }
        var files = extra
        files["resources/gw.yaml"] = text
        files["resources/logger.yaml"] = logger
        files["specs/inference.json"] = Snippets.spec
        return files
    }
}

extension BrokenManifestCase {
    static let gateway: [BrokenManifestCase] = [
        BrokenManifestCase(
            name: "gateway: duplicate instance",
            files: GatewaySnippets.files([("name: two", "name: one")]),
            expected: ["resources/gw.yaml:8:15: error: duplicate instance 'one' (first declared at line 7)"]),
        BrokenManifestCase(
            name: "gateway: routed deployment hosted by no instance, with a suggestion",
            files: GatewaySnippets.files([("{ by: deployment }", "{ by: deployment, deployments: [gpt-4o, gpt4o] }")]),
            expected: [
                "resources/gw.yaml:9:52: error: deployment 'gpt4o' is hosted by no instance; did you mean 'gpt-4o'?"
            ]),
        BrokenManifestCase(
            name: "gateway: routed deployment hosted by no instance, listing the hosted ones",
            files: GatewaySnippets.files([("{ by: deployment }", "{ by: deployment, deployments: [whisper] }")]),
            expected: [
                "resources/gw.yaml:9:44: error: deployment 'whisper' is hosted by no instance (instances host "
                    + "'gpt-4o', 'embed')"
            ]),
        BrokenManifestCase(
            name: "gateway: instance without deployments when routing by deployment",
            files: GatewaySnippets.files([(", deployments: [gpt-4o] }", " }")]),
            expected: [
                "resources/gw.yaml:8:7: error: instance 'two' hosts no deployments; routing by deployment needs its "
                    + "'deployments'"
            ]),
        BrokenManifestCase(
            name: "gateway: deployment listed twice for an instance",
            files: GatewaySnippets.files([("[gpt-4o, embed]", "[gpt-4o, embed, gpt-4o]")]),
            expected: ["resources/gw.yaml:7:97: error: deployment 'gpt-4o' is listed twice for instance 'one'"]),
        BrokenManifestCase(
            name: "gateway: pool priority out of APIM's range",
            files: GatewaySnippets.files([("priority: 2", "priority: 101")]),
            expected: [
                "resources/gw.yaml:8:53: error: 'spec.instances[1].priority' must be between 0 and 100, found 101"
            ]),
        BrokenManifestCase(
            name: "gateway: pool weight out of APIM's range",
            files: GatewaySnippets.files([("priority: 1, weight: 50", "priority: 1, weight: 1000")]),
            expected: [
                "resources/gw.yaml:7:64: error: 'spec.instances[0].weight' must be between 0 and 100, found 1000"
            ]),
        BrokenManifestCase(
            name: "gateway: endpoint that already ends in /openai",
            files: GatewaySnippets.files([("\"${aoai02}\"", "\"${aoai02}/openai/\"")]),
            expected: [
                "resources/gw.yaml:8:30: error: 'spec.instances[1].endpoint' must be the instance endpoint without "
                    + "'/openai' (the backend URL is '<endpoint>/openai'), found 'https://aoai02.example.com/openai'"
            ]),
        BrokenManifestCase(
            name: "gateway: retry count larger than the largest pool allows",
            files: GatewaySnippets.files([("count: auto", "count: 2")]),
            expected: [
                "resources/gw.yaml:10:35: error: retry count 2 is more than the pools allow: the largest pool, "
                    + "'aoai-gpt-4o-pool', has 2 instances, so at most 1 retry reaches another instance (use 'auto')"
            ]),
        BrokenManifestCase(
            name: "gateway: retry count without any pool",
            files: GatewaySnippets.files([("[gpt-4o] }", "[gpt-4o-mini] }"), ("count: auto", "count: 1")]),
            expected: [
                "resources/gw.yaml:10:35: error: retry count 1 is more than the pools allow: no deployment is hosted "
                    + "by two or more instances, so a retry could only reach the same instance (use 'auto')"
            ]),
        BrokenManifestCase(
            name: "gateway: retry on no status code",
            files: GatewaySnippets.files([("on: [429, 503]", "on: []")]),
            expected: [
                "resources/gw.yaml:10:16: error: 'spec.retry.on' must list at least one status code (to turn retries "
                    + "off, write 'count: 0')"
            ]),
        BrokenManifestCase(
            name: "gateway: no instance at all",
            files: GatewaySnippets.files([
                (
                    "\n    - { name: one, endpoint: \"${aoai01}\", priority: 1, weight: 50, deployments: [gpt-4o, embed] }"
                        + "\n    - { name: two, endpoint: \"${aoai02}\", priority: 2, weight: 50, deployments: [gpt-4o] }",
                    " []"
                )
            ]),
            expected: ["resources/gw.yaml:6:14: error: an OpenAIGateway needs at least one instance"]),
        BrokenManifestCase(
            name: "gateway: generated name longer than APIM allows",
            files: GatewaySnippets.files([
                ("name: aoai }", "name: azure-openai-gateway-of-the-platform-team }"),
                ("name: two", "name: instance-in-sweden-central-reserved-for-batch-jobs"),
            ]),
            expected: [
                "resources/gw.yaml:8:7: error: generated Backend name "
                    + "'azure-openai-gateway-of-the-platform-team-instance-in-sweden-central-reserved-for-batch-jobs' "
                    + "is invalid: name is 92 characters long; APIM allows at most 80"
            ]),
        BrokenManifestCase(
            name: "gateway: retry count that is neither auto nor a number",
            files: GatewaySnippets.files([("count: auto", "count: often")]),
            expected: [
                "resources/gw.yaml:10:35: error: 'spec.retry.count' must be 'auto' or a number of retries from 0 to "
                    + "50, found 'often'"
            ]),
        BrokenManifestCase(
            name: "gateway: more than 10 metric dimensions",
            files: GatewaySnippets.files([
                (
                    "[subscriptionId, deployment]",
                    "[subscriptionId, apiId, operationId, productId, userId, clientIp, location, gatewayId, "
                        + "deployment, { name: a, value: b }, { name: c, value: d }]"
                )
            ]),
            expected: ["resources/gw.yaml:12:49: error: 'spec.metrics.dimensions' has 11 items; APIM allows at most 10"]
        ),
        BrokenManifestCase(
            name: "gateway: no metric dimension at all",
            files: GatewaySnippets.files([("[subscriptionId, deployment]", "[]")]),
            expected: [
                "resources/gw.yaml:12:49: error: 'spec.metrics.dimensions' must name at least one dimension (token "
                    + "metrics need one); leave it out for subscriptionId, apiId, deployment"
            ]),
        BrokenManifestCase(
            name: "gateway: metric dimension listed twice",
            files: GatewaySnippets.files([
                ("[subscriptionId, deployment]", "[subscriptionId, deployment, subscriptionId]")
            ]
            ),
            expected: ["resources/gw.yaml:12:78: error: metric dimension 'Subscription ID' is listed twice"]),
        BrokenManifestCase(
            name: "gateway: unknown metric dimension",
            files: GatewaySnippets.files([("[subscriptionId, deployment]", "[subscriptionId, deploymentId]")]),
            expected: [
                "resources/gw.yaml:12:66: error: 'spec.metrics.dimensions[1]' must be one of 'subscriptionId', "
                    + "'apiId', 'operationId', 'productId', 'userId', 'clientIp', 'location', 'gatewayId', "
                    + "'deployment', found 'deploymentId'; did you mean 'deployment'?"
            ]),
        BrokenManifestCase(
            name: "gateway: metrics logger that does not exist",
            files: GatewaySnippets.files([("loggerId: appinsights", "loggerId: appinsight")]),
            expected: [
                "resources/gw.yaml:12:24: error: loggerId refers to unknown Logger 'appinsight'; did you mean "
                    + "'appinsights'?"
            ]),
        BrokenManifestCase(
            name: "gateway: token limit with neither rate nor quota",
            files: GatewaySnippets.files([("{ tokensPerMinute: 1000 }", "{ counterKey: ip }")]),
            expected: ["resources/gw.yaml:11:15: error: 'spec.tokenLimit' needs 'tokensPerMinute', 'quota' or both"]),
        BrokenManifestCase(
            name: "gateway: unknown field with a suggestion",
            files: GatewaySnippets.files([("  tokenLimit:", "  tokenLimits:")]),
            expected: [
                "resources/gw.yaml:11:3: error: unknown field 'tokenLimits' in 'spec'; did you mean 'tokenLimit'?"
            ]
        ),
        BrokenManifestCase(
            name: "gateway: unknown dialect",
            files: GatewaySnippets.files([("spec:\n", "spec:\n  dialect: azure-openia\n")]),
            expected: [
                "resources/gw.yaml:5:12: error: 'spec.dialect' must be one of 'llm', 'azure-openai', found "
                    + "'azure-openia'; did you mean 'azure-openai'?"
            ]),
        BrokenManifestCase(
            name: "gateway: client id with API key authentication",
            files: GatewaySnippets.files([("spec:\n", "spec:\n  auth: { mode: apiKey, clientId: abc }\n")]),
            expected: [
                "resources/gw.yaml:5:35: error: 'spec.auth.clientId' names a user-assigned managed identity; it needs "
                    + "'mode: managedIdentity'"
            ]),
        BrokenManifestCase(
            name: "gateway: name unusable as a prefix of generated names",
            files: GatewaySnippets.files([("name: aoai }", "name: ai.gateway }")]),
            expected: [
                "resources/gw.yaml:3:19: error: invalid name: gateway name 'ai.gateway' must start with a letter or "
                    + "digit and hold only letters, digits, '-' and '_' (it prefixes the names of the resources it "
                    + "generates)"
            ]),
        BrokenManifestCase(
            name: "gateway: circuit breaker status code out of range",
            files: GatewaySnippets.files([
                ("spec:\n", "spec:\n  circuitBreaker: { statusCodes: [429, \"500-699\"] }\n")
            ]),
            expected: [
                "resources/gw.yaml:5:40: error: 'spec.circuitBreaker.statusCodes[1]' must be a status code or a range "
                    + "such as '500-599', between 200 and 599, found '500-699'"
            ]),
        BrokenManifestCase(
            name: "gateway: duplicate product tier",
            files: GatewaySnippets.files([
                (
                    "spec:\n",
                    "spec:\n  products:\n    - { name: gold, displayName: Gold, tokensPerMinute: 5 }\n"
                        + "    - { name: gold, displayName: Gold 2, tokensPerMinute: 6 }\n"
                )
            ]),
            expected: ["resources/gw.yaml:7:15: error: duplicate product tier 'gold' (first declared at line 6)"]),
        BrokenManifestCase(
            name: "gateway: duplicate product tier after a broken one",
            files: GatewaySnippets.files([
                (
                    "spec:\n",
                    "spec:\n  products:\n    - { name: gold, displayName: Gold }\n"
                        + "    - { name: gold, displayName: Gold 2, tokensPerMinute: 6 }\n"
                )
            ]),
            expected: [
                "resources/gw.yaml:6:7: error: 'spec.products[0]' needs 'tokensPerMinute', 'quota' or both",
                "resources/gw.yaml:7:15: error: duplicate product tier 'gold' (first declared at line 6)",
            ]),
        BrokenManifestCase(
            name: "gateway: routed deployments listed while routing by pool",
            files: GatewaySnippets.files([
                ("{ by: deployment }", "{ by: pool, deployments: [gpt-4o] }"), ("[gpt-4o, embed]", "[gpt-4o]"),
            ]),
            expected: [
                "resources/gw.yaml:9:37: warning: 'spec.routing.deployments' is ignored when routing by pool: every "
                    + "request goes to the pool"
            ]),
        BrokenManifestCase(
            name: "gateway: product tier without a token budget",
            files: GatewaySnippets.files([
                ("spec:\n", "spec:\n  products:\n    - { name: gold, displayName: Gold }\n")
            ]),
            expected: ["resources/gw.yaml:6:7: error: 'spec.products[0]' needs 'tokensPerMinute', 'quota' or both"]),
        BrokenManifestCase(
            name: "gateway: generated backend collides with a hand-written one",
            files: GatewaySnippets.files(extra: [
                "resources/a.yaml": Snippets.backend.replacingOccurrences(
                    of: "name: apimaoai01", with: "name: aoai-one")
            ]),
            expected: [
                "resources/gw.yaml:7:7: error: duplicate resource backends/aoai-one (first declared at "
                    + "resources/a.yaml:2:7)"
            ]),
        BrokenManifestCase(
            name: "gateway: API path that already ends in /openai",
            files: GatewaySnippets.files([("{ path: aoai,", "{ path: aoai/openai,")]),
            expected: [
                "resources/gw.yaml:5:16: error: 'spec.api.path' is what clients write after the gateway host in "
                    + "azure_endpoint; the SDKs and the generated API add '/openai', found 'aoai/openai' (remove "
                    + "'/openai', or set 'sdkCompatible: false')"
            ]),
        BrokenManifestCase(
            name: "gateway: missing specification",
            files: GatewaySnippets.files([("specs/inference.json", "specs/inference-2.json")]),
            expected: [
                "resources/gw.yaml:5:72: error: specification 'specs/inference-2.json' does not exist (looked at "
                    + "'specs/inference-2.json')"
            ]),
        BrokenManifestCase(
            name: "gateway: extra inbound policy that is not a fragment",
            files: GatewaySnippets.files(
                [("spec:\n", "spec:\n  extraPolicy: { inboundFile: policies/extra.xml }\n")],
                extra: ["policies/extra.xml": Snippets.policy]),
            expected: [
                "policies/extra.xml:1:1: error: 'policies/extra.xml' is not a policy document: the root element is "
                    + "<policies>, expected <fragment>"
            ]),
        BrokenManifestCase(
            name: "gateway: extra inbound fragment referring to an unknown backend",
            files: GatewaySnippets.files(
                [("spec:\n", "spec:\n  extraPolicy: { inboundFile: policies/extra.xml }\n")],
                extra: [
                    "policies/extra.xml": """
                    <fragment>
                        <set-backend-service backend-id="aoai-tow" />
                    </fragment>

                    """
                ]),
            expected: [
                "policies/extra.xml:2:38: error: backend-id in <set-backend-service> refers to unknown Backend "
                    + "'aoai-tow'; did you mean 'aoai-two'?"
            ]),
    ]
}

@Suite struct OpenAIGatewayTests {
    @Test(arguments: BrokenManifestCase.gateway)
    func reportsExactDiagnostics(_ testCase: BrokenManifestCase) throws {
        let repository = try TemporaryRepository(testCase.files)
        let actual = repository.diagnostics()
        #expect(actual == testCase.expected, Comment(rawValue: actual.joined(separator: "\n")))
    }

    @Test func theSnippetItselfIsValid() throws {
        let repository = try TemporaryRepository(GatewaySnippets.files())
        #expect(repository.diagnostics().isEmpty)
    }

    @Test func routingByPoolWarnsWhenAnInstanceLacksADeployment() throws {
        let repository = try TemporaryRepository(
            GatewaySnippets.files([("{ by: deployment }", "{ by: pool }")]))
        #expect(
            repository.diagnostics() == [
                "resources/gw.yaml:8:81: warning: routing by pool sends every deployment to every instance, but 'two' "
                    + "does not host 'embed'"
            ])
    }

    @Test func everyGeneratedResourceNamesItsGatewayAndPointsIntoIt() throws {
        let repository = try TemporaryRepository(GatewaySnippets.files())
        let result = repository.loader.load()
        let generated = result.state.sorted.filter { $0.generatedBy != nil }
        #expect(
            generated.map(\.id.armPath) == [
                "backends/aoai-gpt-4o-pool", "backends/aoai-one", "backends/aoai-two", "apis/aoai",
                "apis/aoai/policies/policy", "apis/aoai/diagnostics/applicationinsights",
            ])
        #expect(generated.allSatisfy { $0.generatedBy == "OpenAIGateway/aoai" })
        #expect(
            generated.allSatisfy { $0.origin?.file == repository.root + "/resources/gw.yaml" })
        #expect(result.state[ResourceID(.backend, "aoai-two")]?.origin?.line == 8)
    }

    @Test func changingTheTokenRateChangesOneAttributeOfOnePolicy() throws {
        let original = try TemporaryRepository(GatewaySnippets.files())
        let edited = try TemporaryRepository(
            GatewaySnippets.files([("tokensPerMinute: 1000", "tokensPerMinute: 2000")]))
        let before = original.loader.load().state
        let after = edited.loader.load().state
        #expect(before.count == 8)
        #expect(before.sorted.map(\.id) == after.sorted.map(\.id))
        let changed = before.sorted.filter { $0.properties != after[$0.id]?.properties }.map(\.id)
        #expect(changed == [ResourceID(.apiPolicy, "aoai")])
        let old = PolicyScanner.scan(before[ResourceID(.apiPolicy, "aoai")]?.properties["value"]?.stringValue ?? "")
        let new = PolicyScanner.scan(after[ResourceID(.apiPolicy, "aoai")]?.properties["value"]?.stringValue ?? "")
        #expect(old.elements.count == new.elements.count)
        var differences: [String] = []
        for (lhs, rhs) in zip(old.elements, new.elements) where lhs != rhs {
            for (a, b) in zip(lhs.attributes, rhs.attributes) where a.value != b.value {
                differences.append("<\(lhs.name)> \(a.name): \(a.value) → \(b.value)")
            }
        }
        #expect(differences == ["<llm-token-limit> tokens-per-minute: 1000 → 2000"])
    }

    @Test func retryCountZeroLeavesTheBackendSectionToBase() throws {
        let repository = try TemporaryRepository(GatewaySnippets.files([("count: auto", "count: 0")]))
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty)
        let policy = try #require(result.state[ResourceID(.apiPolicy, "aoai")]?.properties["value"]?.stringValue)
        #expect(!policy.contains("<retry"))
        #expect(policy.contains("    <backend>\n        <base />\n    </backend>\n"))
    }

    @Test func apiKeysAreSecretNamedValuesReadFromTheEnvironment() throws {
        let repository = try TemporaryRepository(
            GatewaySnippets.files([
                ("spec:\n", "spec:\n  auth: { mode: apiKey }\n"), ("name: two", "name: east.2"),
            ]))
        let result = repository.loader.load()
        #expect(result.diagnostics.isEmpty)
        let key = try #require(result.state[ResourceID(.namedValue, "aoai-east.2-key")])
        #expect(key.secrets == ["value": .environment("EAST_2_API_KEY")])
        #expect(key.properties == ["displayName": "aoai-east.2-key", "secret": true])
        #expect(
            result.state[ResourceID(.namedValue, "aoai-one-key")]?.secrets == ["value": .environment("ONE_API_KEY")])
        let backend = try #require(result.state[ResourceID(.backend, "aoai-east.2")])
        #expect(backend.properties["credentials"] == ["header": ["api-key": ["{{aoai-east.2-key}}"]]])
        #expect(backend.dependencies == [ResourceID(.namedValue, "aoai-east.2-key")])
        let policy = try #require(result.state[ResourceID(.apiPolicy, "aoai")]?.properties["value"]?.stringValue)
        #expect(!policy.contains("authentication-managed-identity"))
    }
}
