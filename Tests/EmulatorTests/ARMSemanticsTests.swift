import Emulator
import Foundation
import HTTPTypes
import Model
import Testing

@Suite struct ARMSemanticsTests {
    @Test func authenticationAndApiVersionAreRequired() async throws {
        try await withEmulator { arm in
            let anonymous = try await arm.call(.get, "apis", auth: false)
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "AuthenticationFailed")
            #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer ") == true)

            let missing = try await arm.call(.get, "apis", apiVersion: nil)
            #expect(missing.status == 400)
            #expect(missing.errorCode == "MissingApiVersionParameter")

            let wrong = try await arm.call(.get, "apis", apiVersion: "2021-08-01")
            #expect(wrong.status == 400)
            #expect(wrong.errorCode == "InvalidApiVersionParameter")

            let ok = try await arm.call(.get, "apis", headers: ["x-ms-client-request-id": "abc-123"])
            #expect(ok.status == 200)
            #expect(ok.header("x-ms-client-request-id") == "abc-123")
            #expect(ok.header("x-ms-request-id")?.count == 36)
            #expect(ok.header("x-ms-ratelimit-remaining-subscription-reads") != nil)
        }
    }

    @Test func onlyTheConfiguredTokenIsAccepted() async throws {
        try await withEmulator({ $0.token = "secret-token" }) { arm in
            let rejected = try await arm.call(.get, "apis")
            #expect(rejected.status == 401)
            #expect(rejected.errorCode == "InvalidAuthenticationToken")
            let accepted = try await arm.call(.get, "apis", headers: ["Authorization": "Bearer secret-token"])
            #expect(accepted.status == 200)
        }
    }

    @Test func envelopeEtagsAndStatusCodes() async throws {
        try await withEmulator { arm in
            let echo = try await arm.call(.get, "apis/echo-api")
            #expect(echo.status == 200)
            #expect(echo.json?["id"]?.stringValue == arm.service + "/apis/echo-api")
            #expect(echo.json?["name"]?.stringValue == "echo-api")
            #expect(echo.json?["type"]?.stringValue == "Microsoft.ApiManagement/service/apis")
            #expect(echo.json?["properties"]?["path"]?.stringValue == "echo")
            #expect(echo.json?["properties"]?["isCurrent"]?.boolValue == true)
            #expect(echo.header("ETag")?.hasPrefix("\"") == true)

            let backend: JSONValue = ["url": "https://aoai-1.openai.azure.com/openai", "protocol": "http"]
            let created = try await arm.put("backends/aoai-1", backend)
            #expect(created.status == 201)
            #expect(created.json?["id"]?.stringValue == arm.service + "/backends/aoai-1")
            let etag1 = try #require(created.header("ETag"))

            let replaced = try await arm.put("backends/aoai-1", backend)
            #expect(replaced.status == 200)
            let etag2 = try #require(replaced.header("ETag"))
            #expect(etag1 != etag2)

            let stale = try await arm.put("backends/aoai-1", backend, headers: ["If-Match": etag1])
            #expect(stale.status == 412)
            #expect(stale.errorCode == "PreconditionFailed")
            #expect(stale.errorMessage == "Resource was modified since last retrieval.")

            let star = try await arm.put("backends/aoai-1", backend, headers: ["If-Match": "*"])
            #expect(star.status == 200)
            let etag3 = try #require(star.header("ETag"))

            let head = try await arm.call(.head, "backends/aoai-1")
            #expect(head.status == 200)
            #expect(head.header("ETag") == etag3)
            #expect(head.text.isEmpty)
            #expect(try await arm.call(.head, "backends/nope").status == 404)

            let patchNoMatch = try await arm.call(.patch, "backends/aoai-1", body: ["properties": ["description": "x"]])
            #expect(patchNoMatch.status == 400)
            let patchStale = try await arm.call(
                .patch, "backends/aoai-1", body: ["properties": ["description": "x"]], headers: ["If-Match": etag1])
            #expect(patchStale.status == 412)
            let patched = try await arm.call(
                .patch, "backends/aoai-1", body: ["properties": ["description": "first pool member"]],
                headers: ["If-Match": etag3])
            #expect(patched.status == 200)
            #expect(patched.json?["properties"]?["description"]?.stringValue == "first pool member")
            #expect(patched.json?["properties"]?["url"]?.stringValue == "https://aoai-1.openai.azure.com/openai")
            let etag4 = try #require(patched.header("ETag"))

            #expect(try await arm.call(.delete, "backends/aoai-1").status == 400)
            #expect(try await arm.call(.delete, "backends/aoai-1", headers: ["If-Match": etag3]).status == 412)
            let deleted = try await arm.call(.delete, "backends/aoai-1", headers: ["If-Match": etag4])
            #expect(deleted.status == 200)
            #expect(try await arm.call(.delete, "backends/aoai-1", headers: ["If-Match": "*"]).status == 204)

            let gone = try await arm.call(.get, "backends/aoai-1")
            #expect(gone.status == 404)
            #expect(gone.errorCode == "ResourceNotFound")
            #expect(gone.errorMessage == "Backend not found.")
            #expect(gone.json?["error"]?["details"] == .null)

            let orphan = try await arm.call(.get, "apis/missing/operations/x")
            #expect(orphan.status == 404)
            #expect(orphan.errorMessage == "Api not found.")
        }
    }

    @Test func pagingWithAbsoluteNextLink() async throws {
        try await withEmulator { arm in
            for index in 1...5 {
                try await arm.put("tags/tag-\(index)", ["displayName": .string("Tag \(index)")])
            }
            let first = try await arm.call(.get, "tags", query: "$top=2")
            #expect(first.status == 200)
            #expect(first.json?["value"]?.arrayValue?.count == 2)
            #expect(first.json?["count"]?.numberValue == 5)
            let next = try #require(first.json?["nextLink"]?.stringValue)
            #expect(next.hasPrefix("http://"))
            #expect(next.contains("api-version=2024-05-01"))
            #expect(next.contains("$skip=2"))
            var names = first.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            var link: String? = next
            while let current = link {
                let page = try await arm.follow(current)
                #expect(page.status == 200)
                names += page.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                link = page.json?["nextLink"]?.stringValue
            }
            #expect(names == ["tag-1", "tag-2", "tag-3", "tag-4", "tag-5"])
        }
        try await withEmulator({ $0.pageSize = 2 }) { arm in
            let page = try await arm.call(.get, "groups")
            #expect(page.json?["value"]?.arrayValue?.count == 2)
            #expect(page.json?["nextLink"]?.stringValue?.contains("$skip=2") == true)
        }
    }

    @Test func filters() async throws {
        try await withEmulator { arm in
            for (id, name) in [("t-alpha", "Alpha"), ("t-beta", "Beta"), ("x-gamma", "Gamma alpha")] {
                try await arm.put("tags/\(id)", ["displayName": .string(name)])
            }
            func names(_ filter: String) async throws -> [String] {
                let encoded = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
                let reply = try await arm.call(.get, "tags", query: "$filter=\(encoded)")
                #expect(reply.status == 200, "\(filter): \(reply.text)")
                return reply.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            }
            #expect(try await names("name eq 't-beta'") == ["t-beta"])
            #expect(try await names("displayName ne 'Beta'") == ["t-alpha", "x-gamma"])
            #expect(try await names("startswith(name,'t-')") == ["t-alpha", "t-beta"])
            #expect(try await names("contains(displayName,'alpha')") == ["t-alpha", "x-gamma"])
            #expect(try await names("substringof('amm',displayName)") == ["x-gamma"])
            #expect(try await names("startswith(name,'t-') and contains(displayName,'alp')") == ["t-alpha"])
            let bad = try await arm.call(.get, "tags", query: "$filter=name%20resembles%20'x'")
            #expect(bad.status == 400)
            let current = try await arm.call(.get, "apis", query: "$filter=isCurrent%20eq%20true")
            #expect(current.json?["value"]?.arrayValue?.count == 1)
        }
    }

    @Test func requiredPropertiesAreValidated() async throws {
        try await withEmulator { arm in
            let noUrl = try await arm.put("backends/b1", ["protocol": "http"])
            #expect(noUrl.status == 400)
            #expect(noUrl.errorCode == "ValidationError")
            #expect(noUrl.errorMessage == "One or more fields contain incorrect values:")
            #expect(noUrl.firstDetail?["target"]?.stringValue == "url")

            let badName = try await arm.put("namedValues/nv1", ["displayName": "has space", "value": "v"])
            #expect(badName.status == 400)
            #expect(badName.firstDetail?["target"]?.stringValue == "displayName")

            let noDisplayName = try await arm.put("namedValues/nv1", ["value": "v"])
            #expect(noDisplayName.status == 400)

            let operation = try await arm.put("apis/echo-api/operations/op1", ["displayName": "Op"])
            #expect(operation.status == 400)
            let targets = operation.json?["error"]?["details"]?.arrayValue?.compactMap { $0["target"]?.stringValue }
            #expect(targets == ["method", "urlTemplate"])

            let undefinedTemplate = try await arm.put(
                "apis/echo-api/operations/op1", ["displayName": "Op", "method": "GET", "urlTemplate": "/users/{id}"])
            #expect(undefinedTemplate.status == 400)
            #expect(undefinedTemplate.firstDetail?["target"]?.stringValue == "templateParameters")

            let noStatus = try await arm.put(
                "apis/echo-api/operations/op2",
                ["displayName": "Op", "method": "GET", "urlTemplate": "/x", "responses": [["description": "ok"]]])
            #expect(noStatus.firstDetail?["target"]?.stringValue == "responses[0].statusCode")
            let longId = String(repeating: "b", count: 81)
            let tooLong = try await arm.put("backends/\(longId)", ["url": "https://x.example.com", "protocol": "http"])
            #expect(tooLong.status == 400)

            let noPath = try await arm.put("apis/a1", ["displayName": "A1"])
            #expect(noPath.status == 400)
            #expect(noPath.firstDetail?["target"]?.stringValue == "path")

            let samePath = try await arm.put("apis/a2", ["displayName": "A2", "path": "echo"])
            #expect(samePath.status == 400)

            let versionSet = try await arm.put(
                "apiVersionSets/vs1", ["displayName": "VS", "versioningScheme": "Query"])
            #expect(versionSet.firstDetail?["target"]?.stringValue == "versionQueryName")
        }
    }

    @Test func propertiesOutsideTheContractAreDropped() async throws {
        try await withEmulator { arm in
            let tag = try await arm.put("tags/t", ["displayName": "T", "colour": "red"])
            #expect(tag.json?["properties"] == ["displayName": "T"])
            let group = try await arm.put("groups/g", ["displayName": "G", "builtIn": true])
            #expect(group.json?["properties"]?["builtIn"]?.boolValue == false)
            let policy = try await arm.put("policies/policy", ["value": "<policies />", "extra": 1])
            #expect(policy.json?["properties"] == ["value": "<policies />"])
        }
    }

    @Test func seededFaultsAreDeterministic() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            let collected = Collected()
            let faults = try FaultSpec(parsing: "503=0.3,429=0.2,GET:500=0.1")
            try await withEmulator({
                $0.seed = seed
                $0.faults = faults
            }) { arm in
                for _ in 0..<40 { await collected.add(try await arm.call(.get, "apis/echo-api").status) }
            }
            return await collected.values
        }
        let first = try await statuses(seed: 7)
        let second = try await statuses(seed: 7)
        let other = try await statuses(seed: 8)
        #expect(first == second)
        #expect(first != other)
        #expect(first.contains(503) && first.contains(429) && first.contains(200))
        #expect(Set(first).isSubset(of: [200, 429, 500, 503]))
    }

    @Test func injectedFaultsCarryArmErrorsAndRetryAfter() async throws {
        try await withEmulator({ $0.faults = FaultSpec(rules: [.init(outcome: .status(429), probability: 1)]) }) {
            arm in
            let reply = try await arm.call(.get, "apis")
            #expect(reply.status == 429)
            #expect(reply.header("Retry-After") == "1")
            #expect(reply.errorCode == "TooManyRequests")
        }
    }

    @Test func throttlingUsesTokenBuckets() async throws {
        var spec = ThrottlingSpec()
        spec.readCapacity = 2
        spec.readRefillPerSecond = 0.01
        let throttling = spec
        try await withEmulator({ $0.throttling = throttling }) { arm in
            let first = try await arm.call(.get, "apis")
            #expect(first.header("x-ms-ratelimit-remaining-subscription-reads") == "1")
            let second = try await arm.call(.get, "apis")
            #expect(second.header("x-ms-ratelimit-remaining-subscription-reads") == "0")
            let third = try await arm.call(.get, "apis")
            #expect(third.status == 429)
            #expect(Int(third.header("Retry-After") ?? "") ?? 0 >= 1)
            // Writes have their own bucket.
            #expect(try await arm.put("tags/t", ["displayName": "T"]).status == 201)
        }
    }

    @Test func statsAndReset() async throws {
        try await withEmulator { arm in
            _ = try await arm.call(.get, "apis")
            try await arm.put("tags/t", ["displayName": "T"])
            let stats = try await arm.call(.get, "/_emulator/stats", auth: false, apiVersion: nil)
            #expect(stats.status == 200)
            #expect(stats.json?["byMethod"]?["GET"]?.numberValue == 1)
            #expect(stats.json?["byMethodAndKind"]?["PUT tags"]?.numberValue == 1)
            #expect(stats.json?["byStatus"]?["201"]?.numberValue == 1)
            let reset = try await arm.call(.post, "/_emulator/reset", auth: false, apiVersion: nil)
            #expect(reset.status == 204)
            #expect(try await arm.call(.get, "tags/t").status == 404)
        }
    }
}

actor Collected {
    var values: [Int] = []
    func add(_ value: Int) { values.append(value) }
}
