import Foundation
import TestSupport
import Testing

/// One broken repository and exactly what `validate` must say about it.
struct BrokenManifestCase: CustomTestStringConvertible, Sendable {
    var name: String
    var files: [String: String]
    var expected: [String]
    var testDescription: String { name }
}

/// Small valid building blocks the broken cases are made of.
enum Snippets {
    static let backend = """
        apiVersion: apimsync/v1
        kind: Backend
        metadata:
          name: apimaoai01
        spec:
          url: https://aoai01.example.com/openai
          protocol: http

        """

    static let policy = """
        <policies>
            <inbound>
                <base />
            </inbound>
            <backend>
                <base />
            </backend>
            <outbound />
            <on-error />
        </policies>

        """

    static let spec = """
        {"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
         "paths": {"/deployments/{deployment-id}/chat/completions": {"post": {"operationId": "ChatCompletions_Create",
           "summary": "Chat", "parameters": [{"name": "api-version", "in": "query", "required": true}]}}}}
        """
}

extension BrokenManifestCase {
    static let all: [BrokenManifestCase] =
        specLimits + [
            BrokenManifestCase(
                name: "YAML syntax error",
                files: [
                    "resources/a.yaml": "apiVersion: apimsync/v1\nkind: Backend\nmetadata:\n  name: x\n spec: {}\n"
                ],
                expected: [
                    "resources/a.yaml:5:2: error: this line does not line up with the keys of the mapping that starts at "
                        + "line 1, column 1: check its indentation, or a missing ':' or '-' [YAML: did not find expected key "
                        + "(while parsing a block mapping at line 1, column 1)]"
                ]),
            // Rough edge 6: a tab is explained in plain words, and the file it breaks causes no follow-on errors in
            // other files (the overlay and the pool member refer to what the broken file declares).
            BrokenManifestCase(
                name: "roughEdge6_aTabIsExplainedWithoutFollowOnErrors",
                files: [
                    "apimsync.yaml": TemporaryRepository.config.replacingOccurrences(
                        of: "      variables:", with: "      overlays: [overlays]\n      variables:"),
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "  protocol: http", with: "\tprotocol: http"),
                    "resources/pool.yaml": """
                    apiVersion: apimsync/v1
                    kind: Backend
                    metadata: { name: pool }
                    spec: { type: Pool, pool: [{ backend: apimaoai01 }] }

                    """,
                    "overlays/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: Backend
                    metadata: { name: apimaoai01 }
                    spec: { description: overlaid }

                    """,
                ],
                expected: [
                    "resources/a.yaml:7:1: error: a tab character: YAML indents with spaces only; replace the tab with "
                        + "spaces [YAML: found a tab character that violates indentation (while scanning a plain scalar "
                        + "at line 6, column 8)]"
                ]),
            // Rough edge 6: an unknown field no longer hides a bad pool member of the same document.
            BrokenManifestCase(
                name: "roughEdge6_everyProblemOfADocumentIsReportedAtOnce",
                files: [
                    "resources/pool.yaml": """
                    apiVersion: apimsync/v1
                    kind: Backend
                    metadata: { name: pool }
                    spec:
                      type: Pool
                      descripton: typo
                      pool: [{ backend: apimaoai07 }]

                    """,
                    "resources/a.yaml": Snippets.backend,
                ],
                expected: [
                    "resources/pool.yaml:6:3: error: unknown field 'descripton' in 'spec'; did you mean 'description'?",
                    "resources/pool.yaml:7:21: error: pool member refers to unknown Backend 'apimaoai07'; did you mean "
                        + "'apimaoai01'?",
                ]),
            BrokenManifestCase(
                name: "duplicate key",
                files: ["resources/a.yaml": Snippets.backend + "  protocol: soap\n"],
                expected: [
                    "resources/a.yaml:8:3: error: duplicate key 'protocol' (first defined at line 7)"
                ]),
            BrokenManifestCase(
                name: "unknown alias",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "protocol: http", with: "protocol: *proto")
                ],
                expected: [
                    "resources/a.yaml:7:13: error: unknown alias '*proto'"
                ]),
            BrokenManifestCase(
                name: "unknown kind with suggestion",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(of: "kind: Backend", with: "kind: Backnd")
                ],
                expected: [
                    "resources/a.yaml:2:7: error: unknown kind 'Backnd'; did you mean 'Backend'?"
                ]),
            BrokenManifestCase(
                name: "unknown field with suggestion",
                files: ["resources/a.yaml": Snippets.backend.replacingOccurrences(of: "  url:", with: "  urll:")],
                expected: [
                    "resources/a.yaml:6:3: error: unknown field 'urll' in 'spec'; did you mean 'url'?"
                ]),
            BrokenManifestCase(
                name: "unknown envelope field",
                files: ["resources/a.yaml": "metdata: {}\n" + Snippets.backend],
                expected: [
                    "resources/a.yaml:1:1: error: unknown field 'metdata' in the manifest; did you mean 'metadata'?"
                ]),
            BrokenManifestCase(
                name: "wrong type: boolean given as yes",
                files: [
                    "resources/a.yaml": Snippets.backend
                        + "  tls: { validateCertificateChain: yes }\n"
                ],
                expected: [
                    "resources/a.yaml:8:36: error: 'spec.tls.validateCertificateChain' must be a boolean (true or false), found a string ('yes' is a string in YAML 1.2)"
                ]),
            BrokenManifestCase(
                name: "wrong type: list given as scalar",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: Product
                    metadata: { name: gold }
                    spec:
                      displayName: Gold
                      apis: aoai

                    """
                ],
                expected: [
                    "resources/a.yaml:6:9: error: 'spec.apis' must be a list, found a string"
                ]),
            BrokenManifestCase(
                name: "integer out of range",
                files: [
                    "resources/a.yaml": Snippets.backend
                        + """
                        ---
                        apiVersion: apimsync/v1
                        kind: Backend
                        metadata: { name: pool }
                        spec:
                          type: Pool
                          pool:
                            - { backend: apimaoai01, priority: 101 }

                        """
                ],
                expected: [
                    "resources/a.yaml:15:40: error: 'spec.pool[0].priority' must be at most 100, found 101"
                ]),
            BrokenManifestCase(
                name: "enum value with suggestion",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "protocol: http", with: "protocol: htp")
                ],
                expected: [
                    "resources/a.yaml:7:13: error: 'spec.protocol' must be one of 'http', 'soap', found 'htp'; did you mean 'http'?"
                ]),
            BrokenManifestCase(
                name: "invalid ISO duration",
                files: [
                    "resources/a.yaml": Snippets.backend
                        + """
                          circuitBreaker:
                            rules:
                              - name: r
                                failureCondition: { count: 1, interval: 1m }
                                tripDuration: PT1M

                        """
                ],
                expected: [
                    "resources/a.yaml:11:49: error: 'spec.circuitBreaker.rules[0].failureCondition.interval' must be an ISO 8601 duration such as 'PT1M', found '1m'"
                ]),
            BrokenManifestCase(
                name: "missing required field",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: Api
                    metadata: { name: aoai }
                    spec:
                      path: aoai

                    """
                ],
                expected: [
                    "resources/a.yaml:5:3: error: missing required field 'displayName' in 'spec'"
                ]),
            BrokenManifestCase(
                name: "missing metadata name",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "  name: apimaoai01", with: "  labels: {}")
                ],
                expected: [
                    "resources/a.yaml:4:3: error: missing required field 'name' in 'metadata'"
                ]),
            BrokenManifestCase(
                name: "invalid name",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "name: apimaoai01", with: "name: aoai#01")
                ],
                expected: [
                    "resources/a.yaml:4:9: error: invalid name: name 'aoai#01' contains '#', which APIM does not allow in names"
                ]),
            BrokenManifestCase(
                name: "invalid fragment name",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: PolicyFragment
                    metadata: { name: -auth }
                    spec: { policy: "<fragment />" }

                    """
                ],
                expected: [
                    "resources/a.yaml:3:19: error: invalid name: fragment name '-auth' must be 1–80 letters, digits, '_' or '-', not starting or ending with '-'"
                ]),
            BrokenManifestCase(
                name: "duplicate resource",
                files: ["resources/a.yaml": Snippets.backend, "resources/b.yaml": Snippets.backend],
                expected: [
                    "resources/b.yaml:2:7: error: duplicate resource backends/apimaoai01 (first declared at resources/a.yaml:2:7)"
                ]),
            BrokenManifestCase(
                name: "duplicate named value display name",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: NamedValue
                    metadata: { name: one }
                    spec: { displayName: shared, value: "1" }
                    ---
                    apiVersion: apimsync/v1
                    kind: NamedValue
                    metadata: { name: two }
                    spec: { displayName: shared, value: "2" }

                    """
                ],
                expected: [
                    "resources/a.yaml:7:7: error: named value displayName 'shared' is already used by namedValues/one; display names must be unique"
                ]),
            BrokenManifestCase(
                name: "unresolved pool member",
                files: [
                    "resources/a.yaml": Snippets.backend
                        + """
                        ---
                        apiVersion: apimsync/v1
                        kind: Backend
                        metadata: { name: pool }
                        spec:
                          type: Pool
                          pool:
                            - { backend: apimaoai01, priority: 1 }
                            - { backend: apimaoai02, priority: 2 }

                        """
                ],
                expected: [
                    "resources/a.yaml:16:18: error: pool member refers to unknown Backend 'apimaoai02'; did you mean 'apimaoai01'?"
                ]),
            BrokenManifestCase(
                name: "unresolved named value in a policy file",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: NamedValue
                    metadata: { name: aoai-key }
                    spec: { displayName: aoai-key, secret: true, valueFrom: { env: AOAI_KEY } }
                    ---
                    apiVersion: apimsync/v1
                    kind: ServicePolicy
                    metadata: { name: policy }
                    spec: { policyFile: policies/global.xml }

                    """,
                    "policies/global.xml": Snippets.policy.replacingOccurrences(
                        of: "<base />\n    </inbound>",
                        with:
                            "<base />\n        <set-header name=\"api-key\"><value>{{aoai-ky}}</value></set-header>\n    </inbound>"
                    ),
                ],
                expected: [
                    "policies/global.xml:4:43: error: {{aoai-ky}} refers to unknown named value 'aoai-ky'; did you mean 'aoai-key'?"
                ]),
            BrokenManifestCase(
                name: "unresolved backend-id with raw-quote expressions around it",
                files: [
                    "resources/a.yaml": Snippets.backend
                        + """
                        ---
                        apiVersion: apimsync/v1
                        kind: ServicePolicy
                        metadata: { name: policy }
                        spec: { policyFile: policies/global.xml }

                        """,
                    "policies/global.xml": """
                    <policies>
                        <inbound>
                            <set-header name="x-user" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A"))</value></set-header>
                            <set-backend-service backend-id="apimaoai1" />
                            <set-backend-service backend-id="@(context.Variables.GetValueOrDefault<string>("target"))" />
                        </inbound>
                    </policies>

                    """,
                ],
                expected: [
                    "policies/global.xml:4:42: error: backend-id in <set-backend-service> refers to unknown Backend 'apimaoai1'; did you mean 'apimaoai01'?"
                ]),
            BrokenManifestCase(
                name: "unresolved include-fragment",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: ServicePolicy
                    metadata: { name: policy }
                    spec:
                      policy: |
                        <policies><inbound><include-fragment fragment-id="auth" /></inbound></policies>

                    """
                ],
                expected: [
                    "resources/a.yaml:5:11: error: fragment-id in <include-fragment> refers to unknown PolicyFragment 'auth'"
                ]),
            BrokenManifestCase(
                name: "unresolved product API and logger",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: Product
                    metadata: { name: gold }
                    spec: { displayName: Gold, apis: [aoai] }
                    ---
                    apiVersion: apimsync/v1
                    kind: Diagnostic
                    metadata: { name: applicationinsights }
                    spec: { loggerId: appinsights }

                    """
                ],
                expected: [
                    "resources/a.yaml:4:35: error: product API refers to unknown Api 'aoai'",
                    "resources/a.yaml:9:19: error: loggerId refers to unknown Logger 'appinsights'",
                ]),
            BrokenManifestCase(
                name: "unresolved subscription scope",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: Subscription
                    metadata: { name: team-a }
                    spec: { displayName: team-a, scope: products/gold }
                    ---
                    apiVersion: apimsync/v1
                    kind: Subscription
                    metadata: { name: team-b }
                    spec: { displayName: team-b, scope: gold }

                    """
                ],
                expected: [
                    "resources/a.yaml:4:37: error: scope refers to unknown Product 'gold'",
                    "resources/a.yaml:9:37: error: 'spec.scope' must be 'products/<product>', 'apis/<api>' or 'apis' (all APIs), found 'gold'",
                ]),
            BrokenManifestCase(
                name: "dependency cycle between fragments",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: PolicyFragment
                    metadata: { name: a }
                    spec: { policy: '<fragment><include-fragment fragment-id="b" /></fragment>' }
                    ---
                    apiVersion: apimsync/v1
                    kind: PolicyFragment
                    metadata: { name: b }
                    spec: { policy: '<fragment><include-fragment fragment-id="a" /></fragment>' }

                    """
                ],
                expected: [
                    "resources/a.yaml:2:7: error: dependency cycle: policyFragments/a → policyFragments/b → policyFragments/a"
                ]),
            BrokenManifestCase(
                name: "missing policy and specification files",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: Api
                    metadata: { name: aoai }
                    spec:
                      displayName: AOAI
                      path: aoai
                      specification: { file: specs/missing.json }
                      policyFile: policies/missing.xml

                    """
                ],
                expected: [
                    "resources/a.yaml:7:26: error: specification 'specs/missing.json' does not exist (looked at 'specs/missing.json')",
                    "resources/a.yaml:8:15: error: policy file 'policies/missing.xml' does not exist (looked at 'policies/missing.xml')",
                ]),
            BrokenManifestCase(
                name: "not a policy document",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: ServicePolicy
                    metadata: { name: policy }
                    spec: { policyFile: policies/global.xml }

                    """,
                    "policies/global.xml": "<policy>\n  <inbound />\n</policy>\n",
                ],
                expected: [
                    "policies/global.xml:1:1: error: 'policies/global.xml' is not a policy document: the root element is <policy>, expected <policies>"
                ]),
            BrokenManifestCase(
                name: "policy with a misspelled section and a stray closing tag",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: ServicePolicy
                    metadata: { name: policy }
                    spec: { policyFile: policies/global.xml }

                    """,
                    "policies/global.xml":
                        "<policies>\n    <inbnd>\n        <base />\n    </inbnd>\n    </outbound>\n</policies>\n",
                ],
                expected: [
                    "policies/global.xml:2:5: error: <inbnd> cannot appear directly in <policies>; sections are <inbound>, <backend>, <outbound> and <on-error>; did you mean 'inbound'?",
                    "policies/global.xml:5:5: error: policy is not well formed: closing tag '</outbound>' has no matching start tag",
                ]),
            BrokenManifestCase(
                name: "plaintext secret",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: NamedValue
                    metadata: { name: aoai-key }
                    spec:
                      displayName: aoai-key
                      secret: true
                      value: sk-live-123

                    """
                ],
                expected: [
                    "resources/a.yaml:7:10: error: plaintext secret: a named value with 'secret: true' must not carry 'value'; use 'valueFrom' (env or file) or 'keyVault'"
                ]),
            BrokenManifestCase(
                name: "unknown variable in a manifest and in a policy file",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "url: https://aoai01.example.com/openai", with: "url: ${aoai03}/openai")
                            + """
                            ---
                            apiVersion: apimsync/v1
                            kind: ServicePolicy
                            metadata: { name: policy }
                            spec: { policyFile: policies/global.xml }

                            """,
                    "policies/global.xml":
                        "<policies>\n    <inbound>\n        <set-header name=\"x\"><value>${region}</value></set-header>\n    </inbound>\n</policies>\n",
                ],
                expected: [
                    "policies/global.xml:3:37: error: unknown variable '${region}' in environment 'local'",
                    "resources/a.yaml:6:8: error: unknown variable '${aoai03}' in environment 'local'; did you mean 'aoai01'?",
                ]),
            BrokenManifestCase(
                name: "operation policy for an operation the specification does not have",
                files: [
                    "resources/a.yaml": """
                    apiVersion: apimsync/v1
                    kind: Api
                    metadata: { name: aoai }
                    spec:
                      displayName: AOAI
                      path: aoai
                      specification: { file: specs/aoai.json }
                      operations:
                        chatcompletion-create: { policy: "<policies />" }

                    """,
                    "specs/aoai.json": Snippets.spec,
                ],
                expected: [
                    "resources/a.yaml:9:28: error: operation 'chatcompletion-create' is not in the specification (operations are named by their normalised operationId); did you mean 'chatcompletions-create'?"
                ]),
            BrokenManifestCase(
                name: "pool member that is itself a pool",
                files: [
                    "resources/a.yaml": Snippets.backend
                        + """
                        ---
                        apiVersion: apimsync/v1
                        kind: Backend
                        metadata: { name: inner }
                        spec: { type: Pool, pool: [{ backend: apimaoai01 }] }
                        ---
                        apiVersion: apimsync/v1
                        kind: Backend
                        metadata: { name: outer }
                        spec: { type: Pool, pool: [{ backend: inner }] }

                        """
                ],
                expected: [
                    "resources/a.yaml:17:39: error: pool member 'inner' is itself a pool; pool members must be single backends"
                ]),
            BrokenManifestCase(
                name: "a broken backend is reported once, not again by the pool that uses it",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "protocol: http", with: "protocol: ftp")
                            + """
                            ---
                            apiVersion: apimsync/v1
                            kind: Backend
                            metadata: { name: pool }
                            spec: { type: Pool, pool: [{ backend: apimaoai01 }] }

                            """
                ],
                expected: [
                    "resources/a.yaml:7:13: error: 'spec.protocol' must be one of 'http', 'soap', found 'ftp'; did you mean 'http'?"
                ]),
            BrokenManifestCase(
                name: "bad reconcile annotation",
                files: [
                    "resources/a.yaml": Snippets.backend.replacingOccurrences(
                        of: "  name: apimaoai01",
                        with: "  name: apimaoai01\n  annotations: { apimsync/reconcile: skipp }")
                ],
                expected: [
                    "resources/a.yaml:5:38: error: 'apimsync/reconcile' must be one of 'manage', 'skip', 'orphan', found 'skipp'; did you mean 'skip'?"
                ]),
        ]
}

extension BrokenManifestCase {
    /// The limits a new user hit (issue "One description per APIM kind"): each passed validate and the emulator
    /// stored it, while ARM answers 400. The limits come from the official spec table.
    static let specLimits: [BrokenManifestCase] = [
        BrokenManifestCase(
            name: "backend description over the spec's 2000",
            files: ["resources/a.yaml": Snippets.backend + "  description: \(String(repeating: "d", count: 2001))\n"],
            expected: ["resources/a.yaml:8:16: error: 'spec.description' is 2001 characters; APIM allows at most 2000"]),
        BrokenManifestCase(
            name: "product description over the spec's 1000",
            files: [
                "resources/a.yaml": """
                apiVersion: apimsync/v1
                kind: Product
                metadata: { name: gold }
                spec:
                  displayName: Gold
                  description: \(String(repeating: "d", count: 1001))

                """
            ],
            expected: ["resources/a.yaml:6:16: error: 'spec.description' is 1001 characters; APIM allows at most 1000"]),
        BrokenManifestCase(
            name: "named value over the spec's 4096",
            files: [
                "resources/a.yaml": """
                apiVersion: apimsync/v1
                kind: NamedValue
                metadata: { name: big }
                spec:
                  displayName: big
                  value: \(String(repeating: "v", count: 4097))

                """
            ],
            expected: ["resources/a.yaml:6:10: error: 'spec.value' is 4097 characters; APIM allows at most 4096"]),
        BrokenManifestCase(
            name: "logger description over the spec's 256",
            files: [
                "resources/a.yaml": """
                apiVersion: apimsync/v1
                kind: Logger
                metadata: { name: ai }
                spec:
                  loggerType: applicationInsights
                  description: \(String(repeating: "d", count: 257))

                """
            ],
            expected: ["resources/a.yaml:6:16: error: 'spec.description' is 257 characters; APIM allows at most 256"]),
        BrokenManifestCase(
            name: "version query name over the spec's 100",
            files: [
                "resources/a.yaml": """
                apiVersion: apimsync/v1
                kind: ApiVersionSet
                metadata: { name: versions }
                spec:
                  displayName: Versions
                  versioningScheme: Query
                  versionQueryName: \(String(repeating: "q", count: 101))

                """
            ],
            expected: [
                "resources/a.yaml:7:21: error: 'spec.versionQueryName' is 101 characters; APIM allows at most 100"
            ]),
        BrokenManifestCase(
            name: "a pool's session affinity needs a newer api-version than the environment's",
            files: [
                "resources/a.yaml": Snippets.backend,
                "resources/pool.yaml": """
                apiVersion: apimsync/v1
                kind: Backend
                metadata: { name: pool }
                spec:
                  type: Pool
                  pool:
                    services: [{ backend: apimaoai01 }]
                    sessionAffinity: { sessionId: { source: cookie, name: affinity } }
                    failureResponse: { statusCode: 503 }

                """,
            ],
            expected: [
                "resources/pool.yaml:8:22: error: 'spec.pool.sessionAffinity' needs api-version 2024-10-01-preview or "
                    + "later; this environment uses 2024-05-01 (set target.apiVersion in apimsync.yaml)",
                "resources/pool.yaml:9:22: error: 'spec.pool.failureResponse' needs api-version 2024-10-01-preview or "
                    + "later; this environment uses 2024-05-01 (set target.apiVersion in apimsync.yaml)",
            ]),
        BrokenManifestCase(
            name: "the same pool on an environment with the preview api-version that has it",
            files: [
                "apimsync.yaml": TemporaryRepository.config.replacingOccurrences(
                    of: "target: { emulator: state.json }",
                    with: "target: { emulator: state.json, apiVersion: 2024-10-01-preview }"),
                "resources/a.yaml": Snippets.backend,
                "resources/pool.yaml": """
                apiVersion: apimsync/v1
                kind: Backend
                metadata: { name: pool }
                spec:
                  type: Pool
                  pool:
                    services: [{ backend: apimaoai01 }]
                    sessionAffinity: { sessionId: { source: cookie, name: affinity } }
                    failureResponse: { statusCode: 503 }

                """,
            ],
            expected: []),
    ]
}

extension BrokenManifestCase {
    /// An API whose policy is `policies/p.xml`, with a backend and (unless left out) an external cache.
    static func aiPolicy(_ name: String, _ policy: String, cache: Bool = true, expected: [String]) -> BrokenManifestCase
    {
        let cacheManifest = """
            ---
            apiVersion: apimsync/v1
            kind: Cache
            metadata: { name: default }
            spec: { connectionStringFrom: { env: REDIS } }

            """
        return BrokenManifestCase(
            name: name,
            files: [
                "policies/p.xml": policy,
                "resources/a.yaml": Snippets.backend + "---\n" + """
                    apiVersion: apimsync/v1
                    kind: Api
                    metadata: { name: chat }
                    spec: { displayName: Chat, path: chat, policyFile: policies/p.xml }

                    """ + (cache ? cacheManifest : ""),
            ],
            expected: expected)
    }

    static let lookup =
        "<llm-semantic-cache-lookup score-threshold=\"0.8\" embeddings-backend-id=\"apimaoai01\" "
        + "embeddings-backend-auth=\"system-assigned\" />"
    static let store = "<llm-semantic-cache-store duration=\"60\" />"

    /// The AI-gateway statements' rules (issue "The 2026 AI gateway surface"), from their Learn pages.
    static let aiPolicies: [BrokenManifestCase] = [
        aiPolicy(
            "semantic cache lookup without a store",
            "<policies>\n  <inbound>\n    <base />\n    \(lookup)\n  </inbound>\n  <outbound><base /></outbound>\n</policies>\n",
            expected: [
                "policies/p.xml:4:6: error: <llm-semantic-cache-lookup> has no matching <llm-semantic-cache-store> in "
                    + "<outbound>: responses would never be cached"
            ]),
        aiPolicy(
            "semantic cache lookup twice, and outside inbound",
            "<policies>\n  <inbound>\n    <base />\n    \(lookup)\n    \(lookup)\n  </inbound>\n"
                + "  <outbound><base />\(store)\(lookup)</outbound>\n</policies>\n",
            expected: [
                "policies/p.xml:5:6: error: <llm-semantic-cache-lookup> can be used only once in a policy section",
                "policies/p.xml:7:45: error: <llm-semantic-cache-lookup> can be used only in <inbound>, found in "
                    + "<outbound>",
            ]),
        aiPolicy(
            "semantic cache lookup with another embeddings authentication, before base",
            "<policies>\n  <inbound>\n    \(lookup.replacingOccurrences(of: "system-assigned", with: "api-key"))\n"
                + "    <base />\n  </inbound>\n  <outbound><base />\(store)</outbound>\n</policies>\n",
            expected: [
                "policies/p.xml:3:6: error: 'embeddings-backend-auth' must be 'system-assigned' (the only value APIM "
                    + "accepts), found 'api-key'",
                "policies/p.xml:3:6: warning: <llm-semantic-cache-lookup> runs before <base />: a cached answer is "
                    + "returned before the policies of the scopes above (authentication, rate limits) run",
            ]),
        aiPolicy(
            "semantic cache without an external cache, store outside outbound, unknown embeddings backend",
            "<policies>\n  <inbound>\n    <base />\n"
                + "    \(lookup.replacingOccurrences(of: "apimaoai01", with: "embeddings"))\n    \(store)\n"
                + "  </inbound>\n</policies>\n", cache: false,
            expected: [
                "policies/p.xml:4:6: warning: <llm-semantic-cache-lookup> (it needs an external cache): no Cache is "
                    + "declared in the manifests; one must already exist in APIM",
                "policies/p.xml:4:33: error: embeddings-backend-id in <llm-semantic-cache-lookup> refers to unknown "
                    + "Backend 'embeddings'",
                "policies/p.xml:5:6: error: <llm-semantic-cache-store> can be used only in <outbound>, found in <inbound>",
            ]),
        aiPolicy(
            "token limit without a rate or a quota, and a quota without its period",
            "<policies>\n  <inbound>\n    <base />\n    <llm-token-limit counter-key=\"@(context.Subscription.Id)\" />\n"
                + "    <azure-openai-token-limit counter-key=\"x\" token-quota=\"1000\" />\n  </inbound>\n</policies>\n",
            expected: [
                "policies/p.xml:4:6: error: <llm-token-limit> needs 'tokens-per-minute' or 'token-quota' (with "
                    + "'token-quota-period'): without either it limits nothing",
                "policies/p.xml:5:6: error: <azure-openai-token-limit> needs 'token-quota' and 'token-quota-period' "
                    + "together",
            ]),
        aiPolicy(
            "content safety with an unknown backend",
            "<policies>\n  <inbound>\n    <base />\n    <llm-content-safety backend-id=\"content-safety\" />\n"
                + "  </inbound>\n</policies>\n",
            expected: [
                "policies/p.xml:4:25: error: backend-id in <llm-content-safety> refers to unknown Backend "
                    + "'content-safety'"
            ]),
    ]
}
