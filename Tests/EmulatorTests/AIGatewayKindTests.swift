import APIMSpec
import Emulator
import Foundation
import HTTPTypes
import Model
import Testing

/// The 2026 AI-gateway kinds and fields (issue 13), each at the api-versions that have it.
@Suite struct AIGatewayKindTests {
    static let previewJune2024 = "2024-06-01-preview"
    static let previewOctober2024 = "2024-10-01-preview"
    static let previewMarch2025 = "2025-03-01-preview"
    static let previewSeptember2025 = "2025-09-01-preview"

    @Test func cachesReadBackTheirConnectionStringAsANamedValueReference() async throws {
        try await withEmulator { arm in
            let secret = "contoso.redis.cache.windows.net:6380,password=s3cr3t,ssl=True,abortConnect=False"
            let created = try await arm.put(
                "caches/westeurope",
                [
                    "connectionString": .string(secret), "useFromLocation": "westeurope",
                    "resourceId":
                        "https://management.azure.com/subscriptions/x/resourceGroups/r/providers/Microsoft.Cache/redis/c",
                    "description": "semantic cache",
                ])
            #expect(created.status == 201)
            let masked = try #require(created.json?["properties"]?["connectionString"]?.stringValue)
            #expect(masked.hasPrefix("{{") && masked.hasSuffix("}}") && !created.text.contains("s3cr3t"))
            let fetched = try await arm.call(.get, "caches/westeurope")
            #expect(fetched.json?["properties"]?["connectionString"]?.stringValue == masked)
            #expect(!fetched.text.contains("s3cr3t"))
            #expect(fetched.json?["properties"]?["useFromLocation"]?.stringValue == "westeurope")
            let name = String(masked.dropFirst(2).dropLast(2))
            #expect(try await arm.call(.post, "namedValues/\(name)/listValue").json?["value"]?.stringValue == secret)
            // Re-sending the reference keeps it.
            let again = try await arm.put(
                "caches/westeurope", ["connectionString": .string(masked), "useFromLocation": "westeurope"])
            #expect(again.json?["properties"]?["connectionString"]?.stringValue == masked)

            let noLocation = try await arm.put("caches/c2", ["connectionString": "x"])
            #expect(noLocation.status == 400)
            #expect(noLocation.firstDetail?["target"]?.stringValue == "useFromLocation")
            let long = try await arm.put(
                "caches/c2", ["connectionString": .string(String(repeating: "c", count: 301)), "useFromLocation": "d"])
            #expect(long.firstDetail?["target"]?.stringValue == "connectionString")
        }
    }

    @Test func usersGroupMembershipsAndOwnedSubscriptions() async throws {
        try await withEmulator { arm in
            let user = try await arm.put(
                "users/ada", ["email": "ada@example.com", "firstName": "Ada", "lastName": "L", "password": "p4ss!"])
            #expect(user.status == 201)
            #expect(user.json?["properties"]?["password"] == nil && !user.text.contains("p4ss"))
            #expect(user.json?["properties"]?["state"]?.stringValue == "active")
            let missing = try await arm.put("users/bob", ["firstName": "Bob", "lastName": "B"])
            #expect(missing.status == 400)
            #expect(missing.firstDetail?["target"]?.stringValue == "email")

            try await arm.put("groups/researchers", ["displayName": "Researchers"])
            let member = try await arm.call(.put, "groups/researchers/users/ada")
            #expect(member.status == 201)
            #expect(member.json?["name"]?.stringValue == "ada")
            #expect(member.json?["type"]?.stringValue == "Microsoft.ApiManagement/service/users")
            #expect(try await arm.call(.put, "groups/researchers/users/ada").status == 200)
            #expect(try await arm.call(.head, "groups/researchers/users/ada").status == 204)
            let noGroup = try await arm.call(.put, "groups/nope/users/ada")
            #expect(noGroup.status == 404)
            #expect(noGroup.errorMessage == "Group not found.")
            let noUser = try await arm.call(.put, "groups/researchers/users/nobody")
            #expect(noUser.status == 404)
            #expect(noUser.errorMessage == "User not found.")
            let groups = try await arm.call(.get, "users/ada/groups")
            #expect(groups.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["researchers"])
            let read = try await arm.call(.get, "users/ada")
            #expect(read.json?["properties"]?["groups"]?.arrayValue?.count == 1)

            let owned = try await arm.put(
                "subscriptions/ada-sub", ["displayName": "Ada", "scope": "/apis", "ownerId": "/users/ada"])
            #expect(owned.status == 201)
            #expect(owned.json?["properties"]?["ownerId"]?.stringValue == arm.service + "/users/ada")
            let listed = try await arm.call(.get, "users/ada/subscriptions")
            #expect(listed.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["ada-sub"])
            #expect(try await arm.call(.get, "users/ada/subscriptions/ada-sub").status == 200)
            let ghost = try await arm.put(
                "subscriptions/ghost-sub", ["displayName": "G", "scope": "/apis", "ownerId": "/users/ghost"])
            #expect(ghost.status == 400)
            #expect(ghost.firstDetail?["target"]?.stringValue == "ownerId")

            // The spec makes a user delete long-running; the memberships go with the user.
            let deleted = try await arm.call(
                .delete, "users/ada", query: "deleteSubscriptions=true", headers: ["If-Match": "*"])
            #expect(deleted.status == 202)
            #expect(deleted.header("Location")?.contains("/users/ada?api-version=") == true)
            #expect(try await arm.call(.head, "groups/researchers/users/ada").status == 404)
            #expect(try await arm.call(.get, "subscriptions/ada-sub").status == 404)
        }
    }

    @Test func certificatesFromKeyVaultOrPfxNeverReadBackTheirSecrets() async throws {
        try await withEmulator { arm in
            let vault = try await arm.put(
                "certificates/kv",
                ["keyVault": ["secretIdentifier": "https://v.vault.azure.net/secrets/cert", "identityClientId": "c1"]])
            #expect(vault.status == 201)
            let props = vault.json?["properties"]
            #expect(props?["thumbprint"]?.stringValue?.count == 40)
            #expect(props?["subject"] != nil && props?["expirationDate"] != nil)
            #expect(props?["keyVault"]?["lastStatus"]?["code"]?.stringValue == "Success")
            #expect(try await arm.call(.post, "certificates/kv/refreshSecret").status == 200)

            let pfx = try await arm.put("certificates/pfx", ["data": "TUlJS...", "password": "pfx-secret"])
            #expect(pfx.status == 201)
            let read = try await arm.call(.get, "certificates/pfx")
            #expect(read.json?["properties"]?["data"] == nil && read.json?["properties"]?["password"] == nil)
            #expect(!read.text.contains("pfx-secret"))
            let neither = try await arm.put("certificates/none", ["password": "x"])
            #expect(neither.status == 400)
            // The spec has no PATCH for certificates.
            let patch = try await arm.call(
                .patch, "certificates/kv", body: ["properties": ["password": "x"]], headers: ["If-Match": "*"])
            #expect(patch.status == 405)
        }
    }

    @Test func authorizationProvidersAuthorizationsAndAccessPolicies() async throws {
        try await withEmulator { arm in
            let provider = try await arm.put(
                "authorizationProviders/aad",
                [
                    "displayName": "aad", "identityProvider": "aad",
                    "oauth2": [
                        "redirectUrl": "https://authorization-manager.consent.azure-apim.net/redirect/apim/x",
                        "grantTypes": ["clientCredentials": ["clientId": "app", "clientSecret": "provider-secret"]],
                    ],
                ])
            #expect(provider.status == 201)
            #expect(!provider.text.contains("provider-secret"))
            #expect(
                provider.json?["properties"]?["oauth2"]?["grantTypes"]?["clientCredentials"]?["clientId"]?.stringValue
                    == "app")
            #expect(!(try await arm.call(.get, "authorizationProviders/aad")).text.contains("provider-secret"))

            let authorization = try await arm.put(
                "authorizationProviders/aad/authorizations/backend",
                [
                    "authorizationType": "OAuth2", "oauth2grantType": "ClientCredentials",
                    "parameters": ["clientId": "app", "clientSecret": "authz-secret"],
                ])
            #expect(authorization.status == 201)
            #expect(authorization.json?["properties"]?["status"]?.stringValue == "Connected")
            #expect(!authorization.text.contains("authz-secret"))
            let code = try await arm.put(
                "authorizationProviders/aad/authorizations/user",
                ["authorizationType": "OAuth2", "oauth2grantType": "AuthorizationCode"])
            #expect(code.json?["properties"]?["status"]?.stringValue == "Error")

            let policy = try await arm.put(
                "authorizationProviders/aad/authorizations/backend/accessPolicies/gateway",
                ["tenantId": "t", "objectId": "o"])
            #expect(policy.status == 201)
            let orphan = try await arm.put(
                "authorizationProviders/aad/authorizations/none/accessPolicies/gateway",
                ["tenantId": "t", "objectId": "o"])
            #expect(orphan.status == 404)
            #expect(orphan.errorMessage == "Authorization not found.")
            let badType = try await arm.put(
                "authorizationProviders/aad/authorizations/x", ["authorizationType": "Basic"])
            #expect(badType.firstDetail?["target"]?.stringValue == "authorizationType")

            #expect(
                try await arm.call(.delete, "authorizationProviders/aad", headers: ["If-Match": "*"]).status == 200)
            #expect(
                try await arm.call(.get, "authorizationProviders/aad/authorizations/backend/accessPolicies/gateway")
                    .status == 404)
        }
    }

    @Test func apiToolsExistFrom2025_03() async throws {
        try await withEmulator { arm in
            let tool: JSONValue = [
                "properties": [
                    "displayName": "create", "description": "Creates a resource",
                    "operationId": "/apis/echo-api/operations/create-resource",
                ]
            ]
            let old = try await arm.call(.put, "apis/echo-api/tools/create", body: tool)
            #expect(old.status == 404, "tools are not a path at 2024-05-01")
            let created = try await arm.call(
                .put, "apis/echo-api/tools/create", body: tool, apiVersion: Self.previewMarch2025)
            #expect(created.status == 201, "\(created.text)")
            #expect(
                created.json?["properties"]?["operationId"]?.stringValue
                    == arm.service + "/apis/echo-api/operations/create-resource")
            #expect(created.json?["type"]?.stringValue == "Microsoft.ApiManagement/service/apis/tools")
            let list = try await arm.call(.get, "apis/echo-api/tools", apiVersion: Self.previewSeptember2025)
            #expect(list.json?["value"]?.arrayValue?.count == 1)

            try await arm.put("apis/other", ["displayName": "Other", "path": "other"])
            try await arm.put("apis/other/operations/op", ["displayName": "Op", "method": "GET", "urlTemplate": "/op"])
            let foreign = try await arm.call(
                .put, "apis/echo-api/tools/foreign",
                body: ["properties": ["displayName": "f", "operationId": "/apis/other/operations/op"]],
                apiVersion: Self.previewMarch2025)
            #expect(foreign.status == 400)
            #expect(foreign.firstDetail?["target"]?.stringValue == "operationId")
            let badName = try await arm.call(
                .put, "apis/echo-api/tools/-bad", body: tool, apiVersion: Self.previewMarch2025)
            #expect(badName.firstDetail?["target"]?.stringValue == "toolId")
        }
    }

    @Test func mcpServersFromOperationsOrAnExistingServer() async throws {
        try await withEmulator { arm in
            try await arm.put("apis/weather", ["displayName": "Weather", "path": "weather"])
            try await arm.put(
                "apis/weather/operations/now", ["displayName": "Now", "method": "GET", "urlTemplate": "/now"])
            try await arm.put("backends/mcp-server", ["url": "https://mcp.example.com", "protocol": "http"])
            func put(
                _ name: String, _ properties: JSONValue, _ version: String = Self.previewSeptember2025
            ) async throws
                -> Reply
            {
                try await arm.call(.put, "apis/\(name)", body: ["properties": properties], apiVersion: version)
            }
            let tool: JSONValue = ["name": "now", "description": "d", "operationId": "/apis/weather/operations/now"]
            let fromOperations = try await put(
                "weather-mcp", ["type": "mcp", "displayName": "W", "path": "weather-mcp", "mcpTools": [tool]])
            #expect(fromOperations.status == 201, "\(fromOperations.text)")
            #expect(
                fromOperations.json?["properties"]?["mcpTools"]?.arrayValue?.first?["operationId"]?.stringValue
                    == arm.service + "/apis/weather/operations/now")
            let passThrough = try await put(
                "proxy-mcp",
                [
                    "type": "mcp", "displayName": "P", "path": "proxy-mcp", "backendId": "mcp-server",
                    "mcpProperties": [
                        "transportType": "streamable", "endpoints": [["name": "mcp", "uriTemplate": "/mcp"]],
                    ],
                ])
            #expect(passThrough.status == 201, "\(passThrough.text)")

            let both = try await put(
                "both",
                ["type": "mcp", "displayName": "B", "path": "both", "mcpTools": [tool], "backendId": "mcp-server"])
            #expect(both.status == 400)
            #expect(both.firstDetail?["target"]?.stringValue == "mcpTools")
            let neither = try await put("neither", ["type": "mcp", "displayName": "N", "path": "neither"])
            #expect(neither.firstDetail?["target"]?.stringValue == "mcpTools")
            let unknownOperation = try await put(
                "ghost",
                [
                    "type": "mcp", "displayName": "G", "path": "ghost",
                    "mcpTools": [["name": "x", "operationId": "/apis/weather/operations/none"]],
                ])
            #expect(unknownOperation.firstDetail?["target"]?.stringValue == "mcpTools[0].operationId")
            let unknownBackend = try await put(
                "ghost", ["type": "mcp", "displayName": "G", "path": "ghost", "backendId": "none"])
            #expect(unknownBackend.firstDetail?["target"]?.stringValue == "backendId")
            let endpoint = try await put(
                "ghost",
                [
                    "type": "mcp", "displayName": "G", "path": "ghost", "backendId": "mcp-server",
                    "mcpProperties": ["endpoints": [["name": "mcp", "uriTemplate": "no-slash"]]],
                ])
            #expect(endpoint.firstDetail?["target"]?.stringValue == "mcpProperties.endpoints[0].uriTemplate")

            // Before 2025-09-01-preview the spec's API types have no `mcp`.
            let early = try await put(
                "early", ["type": "mcp", "displayName": "E", "path": "early", "mcpTools": [tool]], Self.previewMarch2025
            )
            #expect(early.status == 400)
            #expect(early.firstDetail?["target"]?.stringValue == "type")
        }
    }

    @Test func theOfficialMcpPassThroughExampleIsAccepted() async throws {
        let url = specDirectory().appendingPathComponent(
            "apim/2025-09-01-preview/examples/ApiManagementCreateMcpApi.json")
        let example = try loadJSON(url)
        let body = try #require(example["parameters"]?["parameters"])
        try await withEmulator { arm in
            let created = try await arm.call(.put, "apis/mcp-api", body: body, apiVersion: Self.previewSeptember2025)
            #expect(created.status == 201, "\(created.text)")
            let expected = try #require(example["responses"]?["201"]?["body"]?["properties"])
            #expect(created.json?["properties"]?["mcpProperties"] == expected["mcpProperties"])
            #expect(created.json?["properties"]?["type"]?.stringValue == "mcp")
        }
    }

    @Test func poolSessionAffinityAndFailureResponseFrom2024_10() async throws {
        try await withEmulator { arm in
            try await arm.put("backends/a", ["url": "https://a.example.com", "protocol": "http"])
            let pool: JSONValue = [
                "properties": [
                    "type": "Pool",
                    "pool": [
                        "services": [["id": "/backends/a", "priority": 1]],
                        "sessionAffinity": ["sessionId": ["source": "cookie", "name": "session"]],
                        "failureResponse": ["statusCode": 503],
                    ],
                ]
            ]
            let current = try await arm.call(.put, "backends/pool", body: pool, apiVersion: Self.previewOctober2024)
            #expect(current.status == 201, "\(current.text)")
            #expect(current.json?["properties"]?["pool"]?["sessionAffinity"]?["sessionId"]?["name"] == "session")
            #expect(current.json?["properties"]?["pool"]?["failureResponse"]?["statusCode"] == 503)
            // An older version does not have the fields: reads at that version do not show them ...
            let older = try await arm.call(.get, "backends/pool")
            #expect(older.json?["properties"]?["pool"]?["sessionAffinity"] == nil)
            #expect(older.json?["properties"]?["pool"]?["services"]?.arrayValue?.count == 1)
            #expect(
                try await arm.call(.get, "backends/pool", apiVersion: Self.previewSeptember2025).json?["properties"]?[
                    "pool"]?[
                        "failureResponse"]?["statusCode"] == 503)
            // ... and a write at that version ignores them, as ARM ignores any unknown member.
            let ignored = try await arm.call(.put, "backends/pool-ga", body: pool)
            #expect(ignored.status == 201)
            #expect(ignored.json?["properties"]?["pool"]?["sessionAffinity"] == nil)
            #expect(ignored.json?["properties"]?["pool"]?["failureResponse"] == nil)

            var broken = pool
            if case .object(var envelope) = broken, var props = envelope["properties"]?.objectValue,
                var poolProps = props["pool"]?.objectValue
            {
                poolProps["failureResponse"] = ["statusCode": 99]
                props["pool"] = .object(poolProps)
                envelope["properties"] = .object(props)
                broken = .object(envelope)
            }
            let bad = try await arm.call(.put, "backends/pool", body: broken, apiVersion: Self.previewOctober2024)
            #expect(bad.status == 400)
            #expect(bad.firstDetail?["target"]?.stringValue == "pool.failureResponse.statusCode")
        }
    }

    @Test func backendManagedIdentityCredentialsFrom2024_06() async throws {
        try await withEmulator { arm in
            let body: JSONValue = [
                "properties": [
                    "url": "https://aoai.openai.azure.com/openai", "protocol": "http",
                    "credentials": ["managedIdentity": ["resource": "https://cognitiveservices.azure.com"]],
                ]
            ]
            let created = try await arm.call(.put, "backends/aoai", body: body, apiVersion: Self.previewJune2024)
            #expect(created.status == 201)
            #expect(
                created.json?["properties"]?["credentials"]?["managedIdentity"]?["resource"]?.stringValue
                    == "https://cognitiveservices.azure.com")
            let noResource = try await arm.call(
                .put, "backends/aoai",
                body: [
                    "properties": [
                        "url": "https://x.example.com", "protocol": "http",
                        "credentials": ["managedIdentity": ["clientId": "c"]],
                    ]
                ], apiVersion: Self.previewJune2024)
            #expect(noResource.firstDetail?["target"]?.stringValue == "credentials.managedIdentity.resource")
            let ga = try await arm.call(.put, "backends/aoai-ga", body: body)
            #expect(ga.status == 201)
            #expect(ga.json?["properties"]?["credentials"]?["managedIdentity"] == nil)
        }
    }

    @Test func apiDiagnosticsLogLargeLanguageModelMessagesFrom2024_06() async throws {
        try await withEmulator { arm in
            try await arm.put("loggers/ai", ["loggerType": "azureMonitor"])
            func diagnostic(_ size: Int) -> JSONValue {
                [
                    "properties": [
                        "loggerId": "/loggers/ai",
                        "largeLanguageModel": [
                            "logs": "enabled",
                            "requests": ["messages": "all", "maxSizeInBytes": .number(Double(size))],
                            "responses": ["messages": "all", "maxSizeInBytes": 32768],
                        ],
                    ]
                ]
            }
            let created = try await arm.call(
                .put, "apis/echo-api/diagnostics/azuremonitor", body: diagnostic(262_144),
                apiVersion: Self.previewJune2024)
            #expect(created.status == 201)
            #expect(created.json?["properties"]?["largeLanguageModel"]?["logs"]?.stringValue == "enabled")
            let tooBig = try await arm.call(
                .put, "apis/echo-api/diagnostics/azuremonitor", body: diagnostic(262_145),
                apiVersion: Self.previewJune2024)
            #expect(tooBig.status == 400)
            #expect(tooBig.firstDetail?["target"]?.stringValue == "largeLanguageModel.requests.maxSizeInBytes")
            let ga = try await arm.call(.put, "diagnostics/azuremonitor", body: diagnostic(262_145))
            #expect(ga.status == 201, "at 2024-05-01 the member is unknown and ignored: \(ga.text)")
            #expect(ga.json?["properties"]?["largeLanguageModel"] == nil)
        }
    }
}
