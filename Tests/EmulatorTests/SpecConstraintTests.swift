import APIMSpec
import Emulator
import HTTPTypes
import Model
import Testing

/// The table-driven test of the emulator against the spec: for every constrained property of the body of every PUT
/// it serves, at every api-version that has the kind, a violating value answers ARM's 400 with `details[].target`
/// at that property, and a valid body is accepted.
@Suite struct SpecConstraintTests {
    /// A PUT the emulator serves, a valid body for it, and what must exist first.
    struct Fixture: Sendable {
        var path: String
        var valid: JSONValue
        var setup: [(path: String, body: JSONValue)] = []
        /// The first api-version that has the kind.
        var since: APIVersion = .ga
    }

    static let policy: JSONValue = [
        "value": "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>"
    ]

    /// The kinds apimsync manages (and those it is about to), one valid body each.
    static let fixtures: [Fixture] = [
        Fixture(path: "policies/policy", valid: policy),
        Fixture(path: "apis/echo-api/policies/policy", valid: policy),
        Fixture(path: "apis/echo-api/operations/create-resource/policies/policy", valid: policy),
        Fixture(path: "products/starter/policies/policy", valid: policy),
        Fixture(path: "namedValues/nv1", valid: ["displayName": "nv1", "value": "v"]),
        Fixture(path: "policyFragments/f1", valid: ["value": "<fragment><base /></fragment>"]),
        Fixture(path: "tags/t1", valid: ["displayName": "T"]),
        Fixture(path: "groups/g1", valid: ["displayName": "G"]),
        Fixture(path: "loggers/l1", valid: ["loggerType": "azureMonitor"]),
        Fixture(
            path: "diagnostics/azuremonitor", valid: ["loggerId": "/loggers/l0"],
            setup: [("loggers/l0", ["loggerType": "azureMonitor"])]),
        Fixture(
            path: "apis/echo-api/diagnostics/azuremonitor", valid: ["loggerId": "/loggers/l0"],
            setup: [("loggers/l0", ["loggerType": "azureMonitor"])]),
        Fixture(path: "backends/b1", valid: ["url": "https://b1.example.com", "protocol": "http"]),
        Fixture(path: "apiVersionSets/vs1", valid: ["displayName": "VS", "versioningScheme": "Segment"]),
        Fixture(path: "apis/a1", valid: ["displayName": "A1", "path": "a1"]),
        Fixture(
            path: "apis/echo-api/operations/o1", valid: ["displayName": "O", "method": "GET", "urlTemplate": "/o"]),
        Fixture(
            path: "apis/echo-api/schemas/s1",
            valid: ["contentType": "application/vnd.oai.openapi.components+json", "document": ["components": [:]]]),
        Fixture(path: "apis/echo-api/releases/r1", valid: ["apiId": "/apis/echo-api", "notes": "n"]),
        Fixture(
            path: "apis/echo-api/tagDescriptions/t0", valid: ["description": "d"],
            setup: [("tags/t0", ["displayName": "T0"])]),
        Fixture(path: "products/p1", valid: ["displayName": "P"]),
        Fixture(path: "products/starter/apiLinks/l1", valid: ["apiId": "/apis/echo-api"]),
        Fixture(path: "products/starter/groupLinks/l1", valid: ["groupId": "/groups/developers"]),
        Fixture(
            path: "tags/t0/apiLinks/l1", valid: ["apiId": "/apis/echo-api"], setup: [("tags/t0", ["displayName": "T0"])]
        ),
        Fixture(
            path: "tags/t0/operationLinks/l1", valid: ["operationId": "/apis/echo-api/operations/create-resource"],
            setup: [("tags/t0", ["displayName": "T0"])]),
        Fixture(
            path: "tags/t0/productLinks/l1", valid: ["productId": "/products/starter"],
            setup: [("tags/t0", ["displayName": "T0"])]),
        Fixture(path: "subscriptions/s1", valid: ["displayName": "S", "scope": "/apis"]),
        Fixture(path: "caches/c1", valid: ["connectionString": "redis:6380,password=p", "useFromLocation": "default"]),
        Fixture(path: "users/u1", valid: ["email": "u1@example.com", "firstName": "U", "lastName": "One"]),
        Fixture(
            path: "certificates/c1", valid: ["keyVault": ["secretIdentifier": "https://v.vault.azure.net/secrets/c"]]),
        Fixture(path: "authorizationProviders/p1", valid: ["displayName": "P1", "identityProvider": "aad"]),
        Fixture(
            path: "authorizationProviders/p0/authorizations/a1",
            valid: ["authorizationType": "OAuth2", "oauth2grantType": "ClientCredentials"],
            setup: [("authorizationProviders/p0", ["displayName": "P0", "identityProvider": "aad"])]),
        Fixture(
            path: "authorizationProviders/p0/authorizations/a0/accessPolicies/ap1",
            valid: ["tenantId": "t", "objectId": "o"],
            setup: [
                ("authorizationProviders/p0", ["displayName": "P0", "identityProvider": "aad"]),
                (
                    "authorizationProviders/p0/authorizations/a0",
                    ["authorizationType": "OAuth2", "oauth2grantType": "ClientCredentials"]
                ),
            ]),
        Fixture(
            path: "apis/echo-api/tools/t1",
            valid: ["displayName": "T", "operationId": "/apis/echo-api/operations/create-resource"],
            since: "2025-03-01-preview"),
    ]

    @Test(arguments: APIVersion.all)
    func everyConstrainedPropertyOfEveryPutIsEnforced(version: APIVersion) async throws {
        let generator = SpecBodyCases(version: version)
        var total = 0
        var puts = 0
        for fixture in Self.fixtures where version >= fixture.since {
            let operation = try #require(
                SpecCatalog.shared.operation(method: "PUT", relativePath: fixture.path, version: version),
                "no PUT for \(fixture.path) at \(version)")
            let envelope = try #require(
                operation.operation.bodyDefinition.flatMap { SpecCatalog.shared.definition($0, in: version) })
            let definition = try #require(envelope.properties["properties"]?.type.definition)
            let cases = generator.cases(of: definition, valid: fixture.valid.objectValue ?? JSONObject())
            total += cases.count
            puts += 1
            try await withEmulator { arm in
                for (path, body) in fixture.setup {
                    let setup = try await arm.call(
                        .put, path, body: ["properties": body], apiVersion: version.rawValue)
                    #expect(setup.status < 300, "\(path): \(setup.text)")
                }
                let accepted = try await arm.call(
                    .put, fixture.path, body: ["properties": fixture.valid], apiVersion: version.rawValue)
                #expect((200..<300).contains(accepted.status), "\(version) \(fixture.path): \(accepted.text)")
                for testCase in cases {
                    let reply = try await arm.call(
                        .put, fixture.path, body: ["properties": .object(testCase.properties)],
                        apiVersion: version.rawValue)
                    let targets = reply.json?["error"]?["details"]?.arrayValue?.compactMap { $0["target"]?.stringValue }
                    #expect(reply.status == 400, "\(version) \(fixture.path) \(testCase): \(reply.status)")
                    #expect(reply.errorCode == "ValidationError")
                    #expect(reply.errorMessage == "One or more fields contain incorrect values:")
                    #expect(
                        targets?.contains(testCase.target) == true,
                        "\(version) \(fixture.path) \(testCase): \(reply.text.prefix(300))")
                }
            }
        }
        #expect(total > 120)
        print(
            "emulator spec constraint cases at \(version): \(total) violating bodies over \(puts) PUTs")
    }

    @Test func entityNamesFollowThePathParameterRules() async throws {
        try await withEmulator { arm in
            let long = try await arm.put(
                "backends/" + String(repeating: "b", count: 81), ["url": "https://x.example.com", "protocol": "http"])
            #expect(long.status == 400)
            #expect(long.firstDetail?["target"]?.stringValue == "backendId")
            let fragment = try await arm.put("policyFragments/-bad", ["value": "<fragment />"])
            #expect(fragment.firstDetail?["target"]?.stringValue == "id")
            let policy = try await arm.put("policies/other", Self.policy)
            #expect(policy.status == 400)
            #expect(policy.firstDetail?["target"]?.stringValue == "policyId")
        }
    }

    @Test func theIssuesExamplesAreRefusedAtTheirField() async throws {
        try await withEmulator { arm in
            let cases: [(String, JSONValue, String)] = [
                (
                    "backends/b1",
                    [
                        "url": "https://b.example.com", "protocol": "http",
                        "description": .string(String(repeating: "d", count: 2001)),
                    ], "description"
                ),
                (
                    "products/p1", ["displayName": "P", "description": .string(String(repeating: "d", count: 1001))],
                    "description"
                ),
                (
                    "namedValues/nv", ["displayName": "nv", "value": .string(String(repeating: "v", count: 4097))],
                    "value"
                ),
                (
                    "loggers/l1",
                    ["loggerType": "azureMonitor", "description": .string(String(repeating: "d", count: 257))],
                    "description"
                ),
                (
                    "apiVersionSets/vs",
                    [
                        "displayName": "VS", "versioningScheme": "Query",
                        "versionQueryName": .string(String(repeating: "q", count: 101)),
                    ], "versionQueryName"
                ),
            ]
            for (path, body, target) in cases {
                let reply = try await arm.put(path, body)
                #expect(reply.status == 400, "\(path)")
                #expect(reply.firstDetail?["target"]?.stringValue == target, "\(path): \(reply.text.prefix(200))")
                #expect(reply.firstDetail?["code"]?.stringValue == "ValidationError")
            }
        }
    }
}
