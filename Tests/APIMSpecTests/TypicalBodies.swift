import APIMSpec
import Model

/// Request bodies like the ones apimsync sends for the AOAI gateway lab, for the validator's workload test and
/// `scripts/benchmark-spec-validator.sh` (which compiles this file; so no `Testing` here).
enum TypicalBodies {
    /// The version the bodies are written for (pools without `url`, LLM logging, MCP fields).
    static let version: APIVersion = "2025-09-01-preview"

    /// `count` bodies cycling through ten kinds, each with its definition; all conform to the spec.
    static func make(count: Int) -> [(body: JSONValue, definition: String)] {
        (0..<count).map { index in
            let template = templates[index % templates.count]
            return (template.make("\(index)"), template.definition)
        }
    }

    private static let specText: String = {
        let paths = (0..<12).map { index in
            "\"/deployments/{deployment-id}/op\(index)\": {\"post\": {\"operationId\": \"op\(index)\", \"responses\": {}}}"
        }
        return "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"AOAI\", \"version\": \"1\"}, \"paths\": {"
            + paths.joined(separator: ", ") + "}}"
    }()

    private static let policy = """
        <policies><inbound><base /><set-backend-service backend-id="aoai-pool" />\
        <llm-token-limit counter-key="@(context.Subscription.Id)" tokens-per-minute="10000" estimate-prompt-tokens="false" />\
        <authentication-managed-identity resource="https://cognitiveservices.azure.com" /></inbound>\
        <backend><retry condition="@(context.Response.StatusCode == 429)" count="1" interval="0" first-fast-retry="true">\
        <forward-request buffer-request-body="true" /></retry></backend><outbound><base /></outbound>\
        <on-error><base /></on-error></policies>
        """

    private struct Template: Sendable {
        var definition: String
        var make: @Sendable (String) -> JSONValue
    }

    private static let templates: [Template] = [
        Template(definition: "BackendContract") { id in
            [
                "properties": [
                    "url": .string("https://aoai-\(id).openai.azure.com/openai"), "protocol": "http",
                    "description": .string("AOAI instance \(id)"),
                    "tls": ["validateCertificateChain": true, "validateCertificateName": true],
                    "credentials": ["managedIdentity": ["resource": "https://cognitiveservices.azure.com"]],
                    "circuitBreaker": [
                        "rules": [
                            [
                                "name": "openai-throttling", "tripDuration": "PT1M", "acceptRetryAfter": true,
                                "failureCondition": [
                                    "count": 1, "interval": "PT1M",
                                    "statusCodeRanges": [["min": 429, "max": 429], ["min": 500, "max": 599]],
                                ],
                            ]
                        ]
                    ],
                ]
            ]
        },
        Template(definition: "BackendContract") { id in
            [
                "properties": [
                    "type": "Pool", "description": .string("pool \(id)"),
                    "pool": [
                        "services": [
                            ["id": .string("/backends/aoai-\(id)-a"), "priority": 1, "weight": 50],
                            ["id": .string("/backends/aoai-\(id)-b"), "priority": 2, "weight": 50],
                        ],
                        "sessionAffinity": ["sessionId": ["source": "cookie", "name": "APIM-AFFINITY"]],
                    ],
                ]
            ]
        },
        Template(definition: "NamedValueCreateContract") { id in
            [
                "properties": [
                    "displayName": .string("aoai-\(id)-key"), "value": "placeholder", "secret": true, "tags": ["aoai"],
                ]
            ]
        },
        Template(definition: "ProductContract") { id in
            [
                "properties": [
                    "displayName": .string("AOAI Gold \(id)"), "description": "Gold tier", "subscriptionRequired": true,
                    "approvalRequired": false, "subscriptionsLimit": 10, "state": "published",
                ]
            ]
        },
        Template(definition: "ApiCreateOrUpdateParameter") { id in
            [
                "properties": [
                    "displayName": "Azure OpenAI", "path": .string("aoai-\(id)/openai"), "protocols": ["https"],
                    "format": "openapi+json", "value": .string(specText), "subscriptionRequired": true,
                    "subscriptionKeyParameterNames": ["header": "api-key", "query": "api-key"],
                ]
            ]
        },
        Template(definition: "PolicyContract") { _ in ["properties": ["format": "rawxml", "value": .string(policy)]] },
        Template(definition: "LoggerContract") { id in
            [
                "properties": [
                    "loggerType": "applicationInsights", "description": .string("logger \(id)"),
                    "credentials": ["instrumentationKey": "{{appinsights-key}}"], "isBuffered": true,
                ]
            ]
        },
        Template(definition: "DiagnosticContract") { _ in
            [
                "properties": [
                    "alwaysLog": "allErrors", "loggerId": "/loggers/appinsights", "metrics": true,
                    "verbosity": "information",
                    "sampling": ["samplingType": "fixed", "percentage": 100],
                    "largeLanguageModel": [
                        "logs": "enabled", "requests": ["messages": "all", "maxSizeInBytes": 32768],
                        "responses": ["messages": "all", "maxSizeInBytes": 32768],
                    ],
                ]
            ]
        },
        Template(definition: "SubscriptionCreateParameters") { id in
            ["properties": ["scope": "/products/gold", "displayName": .string("team-\(id)"), "state": "active"]]
        },
        Template(definition: "OperationContract") { id in
            [
                "properties": [
                    "displayName": .string("Chat \(id)"), "method": "POST",
                    "urlTemplate": "/deployments/{deployment-id}/chat/completions",
                    "templateParameters": [["name": "deployment-id", "type": "string", "required": true]],
                ]
            ]
        },
    ]
}
