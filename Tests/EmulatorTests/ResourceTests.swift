import Emulator
import Foundation
import HTTPTypes
import HummingbirdTesting
import Model
import NIOCore
import Testing

@Suite struct ResourceTests {
    @Test func freshServiceLooksLikeADeveloperSku() async throws {
        try await withEmulator { arm in
            let operations = try await arm.call(.get, "apis/echo-api/operations")
            let names = operations.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("retrieve-resource") && names.contains("create-resource"))
            let products = try await arm.call(.get, "products")
            #expect(
                products.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["starter", "unlimited"])
            let linked = try await arm.call(.get, "products/starter/apis")
            #expect(linked.json?["value"]?.arrayValue?.first?["name"]?.stringValue == "echo-api")
            #expect(try await arm.call(.head, "products/starter/apis/echo-api").status == 204)
            #expect(try await arm.call(.head, "products/starter/apis/nope").status == 404)
            let admins = try await arm.call(.get, "groups/administrators")
            #expect(admins.json?["properties"]?["builtIn"]?.boolValue == true)
            let deleteBuiltIn = try await arm.call(.delete, "groups/guests", headers: ["If-Match": "*"])
            #expect(deleteBuiltIn.status == 400)
            let master = try await arm.call(.get, "subscriptions/master")
            #expect(master.json?["properties"]?["scope"]?.stringValue == arm.service + "/apis")
            #expect(master.json?["properties"]?["primaryKey"] == nil)
            let policy = try await arm.call(.get, "policies/policy", query: "format=rawxml")
            let value = try #require(policy.json?["properties"]?["value"]?.stringValue)
            #expect(value.hasPrefix("<!--\n    IMPORTANT:\n    - Policy elements can appear only within the <inbound>"))
            #expect(
                value.hasSuffix(
                    "-->\r\n<policies>\r\n\t<inbound />\r\n\t<backend>\r\n\t\t<forward-request />\r\n\t</backend>\r\n\t<outbound />\r\n\t<on-error />\r\n</policies>"
                ))
            #expect(policy.json?["properties"]?["format"]?.stringValue == "rawxml")
        }
    }

    @Test func secretNamedValuesAreHidden() async throws {
        try await withEmulator { arm in
            let created = try await arm.put(
                "namedValues/aoai-key", ["displayName": "aoai-key", "value": "s3cr3t", "secret": true])
            #expect(created.status == 201)
            #expect(created.json?["properties"]?["value"] == nil)
            #expect(created.header("Location")?.contains("asyncId=") == true)
            #expect(created.header("Azure-AsyncOperation")?.contains("/tenant/operationResults/") == true)
            let fetched = try await arm.call(.get, "namedValues/aoai-key")
            #expect(fetched.json?["properties"]?["value"] == nil)
            #expect(fetched.json?["properties"]?["secret"]?.boolValue == true)
            let listed = try await arm.call(.get, "namedValues")
            #expect(listed.json?["value"]?.arrayValue?.allSatisfy { $0["properties"]?["value"] == nil } == true)
            let value = try await arm.call(.post, "namedValues/aoai-key/listValue")
            #expect(value.status == 200)
            #expect(value.json == ["value": "s3cr3t"])
            #expect(value.header("ETag") != nil)

            try await arm.put("namedValues/plain", ["displayName": "plain", "value": "visible"])
            let duplicate = try await arm.put("namedValues/plain-2", ["displayName": "plain", "value": "x"])
            #expect(duplicate.status == 400)
            #expect(duplicate.firstDetail?["target"]?.stringValue == "name")
            #expect(duplicate.firstDetail?["message"]?.stringValue == "Property with the same name already exist.")
            let plain = try await arm.call(.get, "namedValues/plain")
            #expect(plain.json?["properties"]?["value"]?.stringValue == "visible")

            let vault = try await arm.put(
                "namedValues/kv",
                [
                    "displayName": "kv", "keyVault": ["secretIdentifier": "https://v.vault.azure.net/secrets/s"],
                    "secret": true,
                ])
            #expect(vault.status == 201)
            #expect(vault.json?["properties"]?["keyVault"]?["lastStatus"]?["code"]?.stringValue == "Success")
            let refresh = try await arm.call(.post, "namedValues/kv/refreshSecret")
            #expect(refresh.status == 200)
            #expect(try await arm.call(.post, "namedValues/plain/refreshSecret").status == 400)
        }
    }

    @Test func subscriptionKeysAreOnlyListedBySecrets() async throws {
        try await withEmulator { arm in
            let created = try await arm.put(
                "subscriptions/team-a", ["displayName": "Team A", "scope": "/products/starter"])
            #expect(created.status == 201)
            #expect(created.json?["properties"]?["primaryKey"] == nil)
            #expect(created.json?["properties"]?["scope"]?.stringValue == arm.service + "/products/starter")
            let secrets = try await arm.call(.post, "subscriptions/team-a/listSecrets")
            let primary = try #require(secrets.json?["primaryKey"]?.stringValue)
            #expect(primary.count == 32)
            #expect(try await arm.call(.post, "subscriptions/team-a/regeneratePrimaryKey").status == 204)
            let after = try await arm.call(.post, "subscriptions/team-a/listSecrets")
            #expect(after.json?["primaryKey"]?.stringValue != primary)
            #expect(after.json?["secondaryKey"] == secrets.json?["secondaryKey"])
            let badScope = try await arm.put("subscriptions/team-b", ["displayName": "B", "scope": "/products/none"])
            #expect(badScope.status == 400)
        }
    }

    @Test func loggerCredentialsAreMasked() async throws {
        try await withEmulator { arm in
            let created = try await arm.put(
                "loggers/appinsights",
                ["loggerType": "applicationInsights", "credentials": ["instrumentationKey": "11111111-2222"]])
            #expect(created.status == 201)
            let masked = try #require(created.json?["properties"]?["credentials"]?["instrumentationKey"]?.stringValue)
            #expect(masked.hasPrefix("{{Logger-Credentials--") && masked.hasSuffix("}}"))
            let name = String(masked.dropFirst(2).dropLast(2))
            let hidden = try await arm.call(.post, "namedValues/\(name)/listValue")
            #expect(hidden.json?["value"]?.stringValue == "11111111-2222")

            let missingLogger = try await arm.put("diagnostics/applicationinsights", ["loggerId": "/loggers/nope"])
            #expect(missingLogger.status == 400)
            #expect(missingLogger.firstDetail?["target"]?.stringValue == "loggerId")
            let diagnostic = try await arm.put(
                "apis/echo-api/diagnostics/applicationinsights",
                ["loggerId": .string(arm.service + "/loggers/appinsights")])
            #expect(diagnostic.status == 201)
            let inUse = try await arm.call(.delete, "loggers/appinsights", headers: ["If-Match": "*"])
            #expect(inUse.status == 400)
            #expect(inUse.errorCode == "ValidationError")
        }
    }

    @Test func backendPoolsAndCircuitBreakers() async throws {
        try await withEmulator { arm in
            let single: JSONValue = [
                "url": "https://a.openai.azure.com/openai", "protocol": "http",
                "circuitBreaker": [
                    "rules": [
                        [
                            "name": "trip",
                            "failureCondition": [
                                "count": 3, "interval": "PT1M", "statusCodeRanges": [["min": 429, "max": 429]],
                            ],
                            "tripDuration": "PT1M", "acceptRetryAfter": true,
                        ]
                    ]
                ],
            ]
            #expect(try await arm.put("backends/a", single).status == 201)
            let pool: JSONValue = [
                "type": "Pool", "pool": ["services": [["id": .string(arm.service + "/backends/a"), "priority": 1]]],
            ]
            let created = try await arm.put("backends/pool", pool)
            #expect(created.status == 201)
            #expect(created.json?["properties"]?["url"] == .null)
            let badMember = try await arm.put(
                "backends/pool2", ["type": "Pool", "pool": ["services": [["id": "/backends/zzz"]]]])
            #expect(badMember.status == 400)
            let inPool = try await arm.call(.delete, "backends/a", headers: ["If-Match": "*"])
            #expect(inPool.status == 400)
            #expect(inPool.errorCode == "ValidationError")
            #expect(inPool.errorMessage == "The Backend 'a' is used by the following entities:\r\n/backends/pool\r\n")
            #expect(inPool.json?["error"]?["details"] == .null)
        }
    }

    @Test func tagsAndLinks() async throws {
        try await withEmulator { arm in
            try await arm.put("tags/llm", ["displayName": "LLM"])
            let assigned = try await arm.call(.put, "apis/echo-api/tags/llm")
            #expect(assigned.status == 201)
            #expect(assigned.header("ETag") != nil)
            #expect(assigned.json?["properties"]?["displayName"]?.stringValue == "LLM")
            #expect(try await arm.call(.put, "apis/echo-api/tags/llm").status == 200)
            let listed = try await arm.call(.get, "apis/echo-api/tags")
            #expect(listed.json?["value"]?.arrayValue?.count == 1)
            let link = try await arm.put("tags/llm/apiLinks/l1", ["apiId": .string(arm.service + "/apis/echo-api")])
            #expect(link.status == 201)
            #expect(link.header("ETag") == nil)
            // Both forms of an assignment are one relation: a link shows up in the association lists.
            try await arm.put("apis/orders", ["displayName": "Orders", "path": "orders"])
            let apiLink = try await arm.put(
                "products/starter/apiLinks/orders-link", ["apiId": .string(arm.service + "/apis/orders")])
            #expect(apiLink.status == 201)
            #expect(apiLink.json?["properties"]?["apiId"]?.stringValue == arm.service + "/apis/orders")
            let productApis = try await arm.call(.get, "products/starter/apis")
            #expect(
                productApis.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                    "echo-api", "orders",
                ])
            #expect(try await arm.call(.head, "products/starter/apis/orders").status == 204)
            try await arm.put("tags/beta", ["displayName": "Beta"])
            try await arm.put("tags/beta/apiLinks/b1", ["apiId": .string(arm.service + "/apis/orders")])
            let ordersTags = try await arm.call(.get, "apis/orders/tags")
            #expect(ordersTags.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["beta"])

            let badLink = try await arm.put(
                "products/starter/apiLinks/l2", ["apiId": .string(arm.service + "/apis/none")])
            #expect(badLink.status == 400)
            #expect(try await arm.call(.put, "products/starter/apis/none").status == 404)
            let description = try await arm.put(
                "apis/echo-api/tagDescriptions/llm", ["description": "Models", "colour": "x"])
            #expect(description.status == 201)
            #expect(description.json?["properties"]?["tagId"]?.stringValue == arm.service + "/tags/llm")
            #expect(description.json?["properties"]?["colour"] == nil)
            #expect(try await arm.put("apis/echo-api/tagDescriptions/none", ["description": "x"]).status == 400)
            #expect(try await arm.call(.delete, "tags/llm", headers: ["If-Match": "*"]).status == 200)
            #expect(try await arm.call(.get, "apis/echo-api/tags").json?["value"]?.arrayValue?.count == 0)
        }
    }

    @Test func versionSetsAndVersions() async throws {
        try await withEmulator { arm in
            try await arm.put(
                "apiVersionSets/aoai",
                ["displayName": "AOAI", "versioningScheme": "Query", "versionQueryName": "api-version"])
            let setId = arm.service + "/apiVersionSets/aoai"
            let v1 = try await arm.put(
                "apis/aoai-v1",
                ["displayName": "AOAI", "path": "openai", "apiVersion": "v1", "apiVersionSetId": .string(setId)])
            #expect(v1.status == 201)
            let v2 = try await arm.put(
                "apis/aoai-v2",
                [
                    "displayName": "AOAI", "path": "openai", "apiVersion": "v2",
                    "apiVersionSetId": "/apiVersionSets/aoai",
                ])
            #expect(v2.status == 201, "same path is fine within one version set")
            #expect(v2.json?["properties"]?["apiVersionSetId"]?.stringValue == setId)
            let expanded = try await arm.call(
                .get, "apis", query: "expandApiVersionSet=true&$filter=startswith(name,'aoai')")
            let set = expanded.json?["value"]?.arrayValue?.first?["properties"]?["apiVersionSet"]
            #expect(set?["id"]?.stringValue == setId)
            #expect(set?["versioningScheme"]?.stringValue == "Query")
            let missingSet = try await arm.put(
                "apis/aoai-v3", ["displayName": "AOAI", "path": "openai3", "apiVersionSetId": "/apiVersionSets/none"])
            #expect(missingSet.firstDetail?["target"]?.stringValue == "apiVersionSetId")
        }
    }

    @Test func revisionsAndCurrentSwitching() async throws {
        try await withEmulator { arm in
            let revision = try await arm.put(
                "apis/echo-api;rev=2",
                ["sourceApiId": .string(arm.service + "/apis/echo-api"), "apiRevisionDescription": "second"])
            #expect(revision.status == 201)
            #expect(revision.json?["name"]?.stringValue == "echo-api;rev=2")
            #expect(revision.json?["properties"]?["apiRevision"]?.stringValue == "2")
            #expect(revision.json?["properties"]?["path"]?.stringValue == "echo")
            let copied = try await arm.call(.get, "apis/echo-api;rev=2/operations")
            #expect(copied.json?["value"]?.arrayValue?.count == 6)
            let revisions = try await arm.call(.get, "apis/echo-api/revisions")
            #expect(revisions.json?["value"]?.arrayValue?.compactMap { $0["apiRevision"]?.stringValue } == ["1", "2"])

            let currentByRevision = try await arm.call(.delete, "apis/echo-api;rev=1", headers: ["If-Match": "*"])
            #expect(currentByRevision.status == 400)
            #expect(currentByRevision.errorMessage == "Cannot delete the current revision of an API.")

            let switched = try await arm.call(
                .patch, "apis/echo-api;rev=2", body: ["properties": ["isCurrent": true]], headers: ["If-Match": "*"])
            #expect(switched.status == 200)
            let current = try await arm.call(.get, "apis/echo-api")
            #expect(current.json?["properties"]?["apiRevision"]?.stringValue == "2")
            let all = try await arm.call(.get, "apis")
            let names = all.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.sorted() == ["echo-api", "echo-api;rev=1"])
        }
    }

    @Test func longRunningOperationsWithForcedPolls() async throws {
        try await withEmulator({ $0.asyncPolls = 2 }) { arm in
            let accepted = try await arm.put("apis/orders", ["displayName": "Orders", "path": "orders"])
            #expect(accepted.status == 202)
            let location = try #require(accepted.header("Location"))
            #expect(location.contains("/apis/orders?api-version=2024-05-01&asyncId="))
            #expect(location.hasSuffix("&asyncCode=201"))
            #expect(accepted.header("Azure-AsyncOperation")?.contains("/tenant/operationResults/") == true)
            #expect(accepted.header("Retry-After") == "1")

            let busy = try await arm.put(
                "apis/orders/operations/list", ["displayName": "List", "method": "GET", "urlTemplate": "/orders"])
            #expect(busy.status == 409)
            #expect(busy.errorCode == "PessimisticConcurrencyConflict")
            #expect(busy.errorMessage == "Operation on the API is in progress")

            #expect(try await arm.follow(location).status == 202)
            #expect(try await arm.follow(location).status == 202)
            let done = try await arm.follow(location)
            #expect(done.status == 201)
            #expect(done.json?["name"]?.stringValue == "orders")
            let operation = try await arm.put(
                "apis/orders/operations/list", ["displayName": "List", "method": "GET", "urlTemplate": "/orders"])
            #expect(operation.status == 201)

            let deleting = try await arm.call(.delete, "apis/orders", headers: ["If-Match": "*"])
            #expect(deleting.status == 202)
            #expect(deleting.header("Location")?.contains("/apis/orders?api-version=2024-05-01&asyncId=") == true)
            let recreate = try await arm.put("apis/orders", ["displayName": "Orders", "path": "orders"])
            #expect(recreate.status == 409)
            let operationResult = try #require(deleting.header("Azure-AsyncOperation"))
            #expect(try await arm.follow(operationResult).json?["status"]?.stringValue == "InProgress")
            #expect(try await arm.follow(operationResult).json?["status"]?.stringValue == "InProgress")
            #expect(try await arm.follow(operationResult).json?["status"]?.stringValue == "Succeeded")
            #expect(try await arm.call(.get, "apis/orders").status == 404)
        }
    }

    @Test func importFromTheAzureOpenAISpec() async throws {
        let specFile = specDirectory().appendingPathComponent("aoai/2024-10-21/inference.json")
        guard FileManager.default.fileExists(atPath: specFile.path) else {
            Issue.record("AOAI spec missing at \(specFile.path): cannot test the import")
            return
        }
        let spec = try String(contentsOf: specFile, encoding: .utf8)
        try await withEmulator { arm in
            let created = try await arm.put(
                "apis/aoai", ["format": "openapi+json", "value": .string(spec), "path": "openai"])
            #expect(created.status == 201, "\(created.text.prefix(400))")
            #expect(created.json?["properties"]?["displayName"]?.stringValue == "Azure OpenAI Service API")
            #expect(
                created.json?["properties"]?["serviceUrl"]?.stringValue
                    == "https://your-resource-name.openai.azure.com/openai")
            let chat = try await arm.call(.get, "apis/aoai/operations/chatcompletions-create")
            #expect(chat.status == 200)
            #expect(
                chat.json?["properties"]?["urlTemplate"]?.stringValue
                    == "/deployments/{deployment-id}/chat/completions?api-version={api-version}")
            #expect(chat.json?["properties"]?["method"]?.stringValue == "POST")
            #expect(
                chat.json?["properties"]?["displayName"]?.stringValue == "Creates a completion for the chat message")
            let parameters = chat.json?["properties"]?["templateParameters"]?.arrayValue?.compactMap {
                $0["name"]?.stringValue
            }
            #expect(parameters == ["deployment-id", "api-version"])
            let all = try await arm.call(.get, "apis/aoai/operations")
            let names = Set(all.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
            #expect(names.contains("embeddings-create") && names.contains("completions-create"))
            let count = names.count

            // Re-import without the embeddings operation: matched operations keep their policies, unmatched go.
            let policy =
                "<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>"
            #expect(
                try await arm.put(
                    "apis/aoai/operations/chatcompletions-create/policies/policy", ["value": .string(policy)]
                ).status == 201)
            #expect(
                try await arm.put("apis/aoai/operations/embeddings-create/policies/policy", ["value": .string(policy)])
                    .status == 201)
            var document = try JSONValue.parse(spec)
            var paths = try #require(document["paths"]?.objectValue)
            paths["/deployments/{deployment-id}/embeddings"] = nil
            document["paths"] = .object(paths)
            let reimported = try await arm.put(
                "apis/aoai", ["format": "openapi+json", "value": .string(document.serialized()), "path": "openai"])
            #expect(reimported.status == 200)
            let after = try await arm.call(.get, "apis/aoai/operations")
            #expect(after.json?["value"]?.arrayValue?.count == count - 1)
            #expect(
                try await arm.call(.get, "apis/aoai/operations/chatcompletions-create/policies/policy").status == 200)
            #expect(try await arm.call(.get, "apis/aoai/operations/embeddings-create").status == 404)
        }
    }

    /// `ApiExport_Get`: a link without the bearer token serves a definition that re-imports to the same operations.
    @Test func exportedDefinitionsReimportToTheSameOperations() async throws {
        let specFile = specDirectory().appendingPathComponent("aoai/2024-10-21/inference.json")
        let spec = try String(contentsOf: specFile, encoding: .utf8)
        try await withEmulator { arm in
            _ = try await arm.put("apis/aoai", ["format": "openapi+json", "value": .string(spec), "path": "openai"])
            let export = try await arm.call(.get, "apis/aoai", query: "export=true&format=openapi%2Bjson-link")
            #expect(export.status == 200, "\(export.text.prefix(300))")
            #expect(export.json?["format"]?.stringValue == "openapi+json-link")
            let link = try #require(export.json?["value"]?["link"]?.stringValue)
            #expect(link.contains("/_emulator/exports/") && link.contains("sig="))
            let document = try await arm.follow(link)
            #expect(document.status == 200)
            #expect(document.json?["openapi"]?.stringValue == "3.0.1")

            _ = try await arm.put(
                "apis/copy", ["format": "openapi+json", "value": .string(document.text), "path": "copy"])
            func operations(_ api: String) async throws -> [String: String] {
                let list = try await arm.call(.get, "apis/\(api)/operations", query: "$top=100")
                var result: [String: String] = [:]
                for item in list.json?["value"]?.arrayValue ?? [] {
                    let properties = item["properties"]
                    result[item["name"]?.stringValue ?? ""] =
                        "\(properties?["method"]?.stringValue ?? "") \(properties?["urlTemplate"]?.stringValue ?? "") "
                        + "(\(properties?["displayName"]?.stringValue ?? ""))"
                }
                return result
            }
            let original = try await operations("aoai")
            #expect(original.count > 5)
            #expect(try await operations("copy") == original)

            let unknown = try await arm.call(.get, "apis/aoai", query: "export=true&format=wadl-link")
            #expect(unknown.status == 400)
            #expect(try await arm.follow(link.replacingOccurrences(of: "/exports/", with: "/exports/0")).status == 404)
        }
    }

    @Test func importNamesOperationsWithoutOperationId() async throws {
        let document: JSONValue = [
            "swagger": "2.0", "info": ["title": "Pets", "version": "1"], "host": "pets.example.com", "basePath": "/v1",
            "paths": [
                "/foo": ["get": ["responses": ["200": ["description": "ok"]]]],
                "/foo/{bar}": [
                    "get": [
                        "operationId": "GET-/foo/{bar}?buzz={quix}",
                        "parameters": [["name": "bar", "in": "path", "required": true, "type": "string"]],
                        "responses": [:],
                    ]
                ],
            ],
        ]
        try await withEmulator { arm in
            let created = try await arm.put(
                "apis/pets", ["format": "swagger-json", "value": .string(document.serialized()), "path": "pets"])
            #expect(created.status == 201)
            #expect(created.json?["properties"]?["serviceUrl"]?.stringValue == "https://pets.example.com/v1")
            let plain = try await arm.call(.get, "apis/pets/operations/get-foo")
            #expect(plain.json?["properties"]?["displayName"]?.stringValue == "Get - /foo")
            #expect(try await arm.call(.get, "apis/pets/operations/get-foo-bar-buzz-quix").status == 200)
        }
    }
}

@Suite struct TokenEndpointTests {
    func token(_ arm: ARM, _ form: String) async throws -> Reply {
        try await arm.client.execute(
            uri: "/72f988bf-0000-0000-0000-000000000000/oauth2/v2.0/token", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded"], body: .init(string: form)
        ) { response in
            Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        }
    }

    @Test func clientCredentialsAndAssertions() async throws {
        try await withEmulator({
            $0.token = "issued-token"
            $0.oauthClients = ["app-1": "right"]
        }) { arm in
            let scope = "scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
            let ok = try await token(arm, "grant_type=client_credentials&client_id=app-1&client_secret=right&\(scope)")
            #expect(ok.status == 200)
            #expect(ok.json?["access_token"]?.stringValue == "issued-token")
            #expect(ok.json?["token_type"]?.stringValue == "Bearer")
            let wrong = try await token(arm, "grant_type=client_credentials&client_id=app-1&client_secret=bad&\(scope)")
            #expect(wrong.status == 401)
            #expect(wrong.json?["error"]?.stringValue == "invalid_client")
            let assertion = try await token(
                arm,
                "grant_type=client_credentials&client_id=app-1&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a.b.c&\(scope)"
            )
            #expect(assertion.status == 200)
            let grant = try await token(arm, "grant_type=password&client_id=app-1&\(scope)")
            #expect(grant.json?["error"]?.stringValue == "unsupported_grant_type")
            let noScope = try await token(arm, "grant_type=client_credentials&client_id=app-1&client_secret=right")
            #expect(noScope.json?["error"]?.stringValue == "invalid_scope")
            // The issued token opens the ARM side.
            let arm1 = try await arm.call(.get, "apis", headers: ["Authorization": "Bearer issued-token"])
            #expect(arm1.status == 200)
        }
    }

    @Test func productAndApiCrossLists() async throws {
        try await withEmulator { arm in
            let products = try await arm.call(.get, "apis/echo-api/products")
            #expect(
                products.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["starter", "unlimited"])
            try await arm.put("subscriptions/s1", ["displayName": "S1", "scope": "/products/starter"])
            let subscriptions = try await arm.call(.get, "products/starter/subscriptions")
            #expect(subscriptions.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["s1"])
        }
    }
}

@Suite struct YAMLImportTests {
    static let petstore = """
        openapi: "3.0.0"   # comment after a value
        info:
          title: Swagger Petstore
          version: 1.0.0
          description: |
            Multi-line
            description.
        servers:
          - url: http://petstore.swagger.io/v1
        paths:
          /pets:
            get:
              summary: List all pets
              operationId: listPets
              tags: [pets, "read"]
              parameters:
                - name: limit
                  in: query
                  required: false
                  schema: {type: integer, format: int32}
                - name: 'api-version'
                  in: query
                  required: true
                  schema:
                    type: string
              responses:
                '200':
                  description: A paged array of pets
                  content:
                    application/json: {}
            post:
              operationId: createPets
              requestBody:
                content:
                  application/json: {}
              responses:
                "201": {description: Null response}
          /pets/{petId}:
            get:
              operationId: showPetById
              parameters:
              - name: petId
                in: path
                required: true
                schema:
                  type: string
              responses:
                default:
                  description: unexpected error
        """

    @Test func inlineYamlOpenAPIIsImported() async throws {
        try await withEmulator { arm in
            let created = try await arm.put(
                "apis/petstore", ["format": "openapi", "value": .string(Self.petstore), "path": "pets"])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json?["properties"]?["displayName"]?.stringValue == "Swagger Petstore")
            #expect(created.json?["properties"]?["description"]?.stringValue == "Multi-line\ndescription.\n")
            #expect(created.json?["properties"]?["serviceUrl"]?.stringValue == "http://petstore.swagger.io/v1")
            let list = try await arm.call(.get, "apis/petstore/operations/listpets")
            #expect(list.json?["properties"]?["urlTemplate"]?.stringValue == "/pets?api-version={api-version}")
            #expect(list.json?["properties"]?["displayName"]?.stringValue == "List all pets")
            #expect(
                list.json?["properties"]?["request"]?["queryParameters"]?.arrayValue?.first?["type"]?.stringValue
                    == "integer")
            let show = try await arm.call(.get, "apis/petstore/operations/showpetbyid")
            #expect(show.json?["properties"]?["urlTemplate"]?.stringValue == "/pets/{petId}")
            let create = try await arm.call(.get, "apis/petstore/operations/createpets")
            #expect(create.json?["properties"]?["responses"]?.arrayValue?.first?["statusCode"]?.numberValue == 201)
            let broken = try await arm.put(
                "apis/broken", ["format": "openapi", "value": "openapi: 3.0.0\n  bad: indentation\n", "path": "b"])
            #expect(broken.status == 400)
            #expect(broken.firstDetail?["target"]?.stringValue == "value")
        }
    }
}
