import Foundation
import ManagementClient
import Model
import Testing

@Suite struct ARMRequestTests {
    @Test func everyRequestCarriesApiVersionBearerAndAFreshClientRequestID() async throws {
        let server = try await StandInServer.start { _ in
            .json(
                200, #"{"id":"x","name":"b1","properties":{"url":"https://b"}}"#,
                headers: [("ETag", "\"AAAA\""), ("x-ms-request-id", "srv-1")])
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)

        let response = try await client.get(ResourceID(.backend, "b1"))
        _ = try await client.get(ResourceID(.backend, "b1"))

        #expect(response.status == 200)
        #expect(response.etag == "\"AAAA\"")
        #expect(response.requestID == "srv-1")
        #expect(response.properties?["url"]?.stringValue == "https://b")
        let requests = await server.requests
        #expect(requests.count == 2)
        #expect(requests[0].path == Fixture.servicePath + "/backends/b1")
        #expect(requests[0].queryItems == ["api-version": "2024-05-01"])
        #expect(requests[0].header("Authorization") == "Bearer \(Fixture.token)")
        #expect(requests[0].header("Accept") == "application/json")
        let ids = requests.compactMap { $0.header("x-ms-client-request-id") }
        #expect(ids.count == 2)
        #expect(Set(ids).count == 2)
        #expect(response.clientRequestID == ids[0])
    }

    @Test func policiesAreReadAsRawXML() async throws {
        let server = try await StandInServer.start { _ in
            .json(200, #"{"properties":{"format":"rawxml","value":"<policies/>"}}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        _ = try await client.get(ResourceID(.apiOperationPolicy, "echo", "get"))
        let request = try #require(await server.requests.first)
        #expect(request.path == Fixture.servicePath + "/apis/echo/operations/get/policies/policy")
        #expect(request.queryItems == ["api-version": "2024-05-01", "format": "rawxml"])
    }

    @Test func putSendsThePropertiesEnvelopeAndIfMatch() async throws {
        let server = try await StandInServer.start { _ in
            .json(
                201, #"{"properties":{"displayName":"nv1","provisioningState":"Succeeded"}}"#, headers: [("ETag", "e2")]
            )
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let response = try await client.put(
            ResourceID(.namedValue, "nv1"), properties: ["displayName": "nv1", "value": "v"], ifMatch: "e1")
        #expect(response.status == 201)
        #expect(response.etag == "e2")
        let request = try #require(await server.requests.first)
        #expect(request.method == "PUT")
        #expect(request.header("If-Match") == "e1")
        #expect(request.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(try JSONValue.parse(request.bodyText) == ["properties": ["displayName": "nv1", "value": "v"]])
    }

    @Test func associationsArePutWithoutBodyAndDeletedWithoutIfMatch() async throws {
        let server = try await StandInServer.start { request in
            request.method == "PUT" ? .json(201, #"{"properties":{}}"#) : StubResponse(status: 204)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        _ = try await client.put(ResourceID(.productApi, "p1", "echo"), properties: nil, ifMatch: "x")
        let deleted = try await client.delete(ResourceID(.productApi, "p1", "echo"))
        #expect(deleted.status == 204)
        let requests = await server.requests
        #expect(requests[0].path == Fixture.servicePath + "/products/p1/apis/echo")
        #expect(requests[0].body.isEmpty)
        #expect(requests[0].header("If-Match") == nil)
        #expect(requests[1].method == "DELETE")
        #expect(requests[1].header("If-Match") == nil)
    }

    @Test func deleteSendsIfMatchStarAndAccepts200And204() async throws {
        let script = Script([StubResponse(status: 200), StubResponse(status: 204)])
        let server = try await StandInServer.start { _ in await script.next() }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        #expect(try await client.delete(ResourceID(.tag, "t1")).status == 200)
        #expect(try await client.delete(ResourceID(.tag, "t1")).status == 204)
        #expect(await server.requests.allSatisfy { $0.header("If-Match") == "*" })
    }

    @Test func listValueAndListSecretsArePostsToTheirActions() async throws {
        let server = try await StandInServer.start { request in
            request.path.hasSuffix("/listValue")
                ? .json(200, #"{"value":"the-secret"}"#) : .json(200, #"{"primaryKey":"pk","secondaryKey":"sk"}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        #expect(try await client.listValue(namedValue: "nv1") == "the-secret")
        let keys = try await client.listSecrets(subscription: "s1")
        #expect(keys.primaryKey == "pk")
        #expect(keys.secondaryKey == "sk")
        #expect(!"\(keys)".contains("pk"))
        let requests = await server.requests
        #expect(requests.map(\.method) == ["POST", "POST"])
        #expect(requests[0].path == Fixture.servicePath + "/namedValues/nv1/listValue")
        #expect(requests[1].path == Fixture.servicePath + "/subscriptions/s1/listSecrets")
    }

    @Test func getIfExistsAndExistsTreat404AsAnswer() async throws {
        let server = try await StandInServer.start { _ in
            .json(404, #"{"error":{"code":"ResourceNotFound","message":"Api not found.","details":null}}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        #expect(try await client.getIfExists(ResourceID(.api, "nope")) == nil)
        #expect(try await client.exists(ResourceID(.productGroup, "p", "g")) == false)
        let error = try await #require(throws: ARMError.self) { try await client.get(ResourceID(.api, "nope")) }
        #expect(error.code == .notFound)
        #expect(await server.requests.count == 3)
    }

    @Test func namesArePercentEncodedAndRevisionsKeepTheirSemicolon() async throws {
        let server = try await StandInServer.start { _ in .json(200, "{}") }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        _ = try await client.get(ResourceID(.api, "echo-api;rev=3"))
        _ = try await client.get(ResourceID(.tag, "a b"))
        let requests = await server.requests
        #expect(requests[0].path.hasSuffix("/apis/echo-api;rev=3"))
        #expect(requests[1].path.hasSuffix("/tags/a%20b"))
    }

    @Test func collectionPathsFollowTheKindTemplates() throws {
        #expect(try ARMClient.collectionPath(.backend, parents: []) == "backends")
        #expect(try ARMClient.collectionPath(.apiOperation, parents: ["echo"]) == "apis/echo/operations")
        #expect(
            try ARMClient.collectionPath(.apiOperationPolicy, parents: ["a", "o"]) == "apis/a/operations/o/policies")
        #expect(try ARMClient.collectionPath(.productGroup, parents: ["p"]) == "products/p/groups")
        let error = try #require(throws: ARMError.self) { try ARMClient.collectionPath(.apiOperation, parents: []) }
        #expect(error.code == .invalidRequest)
    }

    @Test func plainHTTPIsRefusedOffLoopback() throws {
        let credential = StaticTokenCredential(token: "t")
        for url in ["http://management.azure.com", "http://10.0.0.1:8080", "ftp://x", "http://127.evil.com"] {
            let error = try #require(throws: ARMError.self) {
                try ARMClient(configuration: Fixture.configuration(url), credential: credential)
            }
            #expect(error.code == .insecureTransport)
        }
        for url in ["https://management.azure.com", "http://127.0.0.1:1", "http://localhost:2", "http://[::1]:3"] {
            #expect(throws: Never.self) {
                try ARMClient(configuration: Fixture.configuration(url), credential: credential)
            }
        }
    }
}

@Suite struct ARMPagingTests {
    @Test func listFollowsNextLinkVerbatimToTheEnd() async throws {
        let holder = RequestRecorder()
        let server = try await StandInServer.start { request in
            await holder.record(request)
            let base = request.baseURL
            let skip = Int(request.queryItems["$skip"] ?? "0") ?? 0
            if skip >= 4 { return .json(200, #"{"value":[{"name":"n4"}],"count":5}"#) }
            let next = "\(base)\(request.path)?api-version=2024-05-01&%24skip=\(skip + 2)&%24top=2&opaque=%3Dtoken"
            return .json(200, #"{"value":[{"name":"n\#(skip)"},{"name":"n\#(skip + 1)"}],"nextLink":"\#(next)"}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let items = try await client.list(.namedValue, filter: "startswith(name,'n')", top: 2)
        #expect(items.compactMap { $0["name"]?.stringValue } == ["n0", "n1", "n2", "n3", "n4"])
        let requests = await server.requests
        #expect(requests.count == 3)
        #expect(
            requests[0].queryItems == ["api-version": "2024-05-01", "$filter": "startswith(name,'n')", "$top": "2"])
        #expect(requests[1].query == "api-version=2024-05-01&%24skip=2&%24top=2&opaque=%3Dtoken")
    }

    @Test func aNextLinkToAnotherHostIsRefused() async throws {
        let server = try await StandInServer.start { _ in
            .json(200, #"{"value":[],"nextLink":"https://evil.example.com/steal?api-version=2024-05-01"}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let error = try await #require(throws: ARMError.self) { try await client.list("backends") }
        #expect(error.code == .invalidResponse)
        #expect(error.description.contains("refusing to follow nextLink"))
        #expect(await server.requests.count == 1)
    }
}

@Suite struct ARMRetryTests {
    static let conflict = StubResponse.json(
        409, #"{"error":{"code":"PessimisticConcurrencyConflict","message":"Operation on the API is in progress"}}"#)
    static let unavailable = StubResponse.json(503, #"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#)

    @Test func retries429AfterAtLeastRetryAfter() async throws {
        let script = Script([
            .json(429, #"{"error":{"code":"TooManyRequests","message":"slow down"}}"#, headers: [("Retry-After", "1")]),
            .json(200, #"{"properties":{}}"#),
        ])
        let server = try await StandInServer.start { _ in await script.next() }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let start = ContinuousClock.now
        let response = try await client.get("backends/b1")
        let elapsed = ContinuousClock.now - start
        #expect(response.status == 200)
        #expect(elapsed >= .seconds(1))
        #expect(await server.requests.count == 2)
    }

    @Test func retries5xxWithBackoffUntilSuccess() async throws {
        let script = Script([Self.unavailable, StubResponse(status: 500), StubResponse(status: 502), .json(200, "{}")])
        let server = try await StandInServer.start { _ in await script.next() }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        #expect(try await client.put("tags/t1", body: ["properties": ["displayName": "t1"]]).status == 200)
        #expect(await server.requests.count == 4)
    }

    @Test func attemptsAreBoundedAndTheErrorSaysEverything() async throws {
        let server = try await StandInServer.start { _ in
            .json(
                503, #"{"error":{"code":"ServiceUnavailable","message":"try later"}}"#,
                headers: [("x-ms-request-id", "srv-req-9")])
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server, retry: RetryPolicy(maxAttempts: 3, baseDelaySeconds: 0.001))
        let error = try await #require(throws: ARMError.self) {
            try await client.put(ResourceID(.backend, "b1"), properties: ["url": "https://x"])
        }
        #expect(await server.requests.count == 3)
        #expect(error.code == .serverError)
        #expect(error.status == 503)
        #expect(error.armCode == "ServiceUnavailable")
        #expect(error.operation == "PUT backends/b1")
        #expect(error.resource == "backends/b1")
        #expect(error.requestID == "srv-req-9")
        #expect(error.attempts == 3)
        #expect(error.clientRequestID != nil)
        #expect(
            error.description.hasPrefix(
                "PUT backends/b1 failed: HTTP 503 ServiceUnavailable: try later (x-ms-request-id srv-req-9"))
    }

    @Test func elapsedTimeIsBounded() async throws {
        let server = try await StandInServer.start { _ in
            .json(429, #"{"error":{"code":"TooManyRequests","message":"x"}}"#, headers: [("Retry-After", "30")])
        }
        defer { Task { await server.shutdown() } }
        let clock = VirtualClock()
        let client = try Fixture.client(
            server, retry: RetryPolicy(maxAttempts: 10, maxElapsedSeconds: 5), clock: clock)
        let error = try await #require(throws: ARMError.self) { try await client.get("apis") }
        // Waiting the 30 s ARM asks for would pass the 5 s bound: the client gives up without waiting at all.
        #expect(clock.slept == 0)
        #expect(error.code == .throttled)
        #expect(await server.requests.count == 1)
    }

    @Test func preconditionFailedIsNeverRetried() async throws {
        let server = try await StandInServer.start { _ in
            .json(
                412, #"{"error":{"code":"PreconditionFailed","message":"Resource was modified since last retrieval."}}"#
            )
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let error = try await #require(throws: ARMError.self) {
            try await client.patch(ResourceID(.backend, "b1"), properties: ["url": "https://y"], ifMatch: "\"old\"")
        }
        #expect(error.code == .preconditionFailed)
        #expect(error.armCode == "PreconditionFailed")
        #expect(error.message == "Resource was modified since last retrieval.")
        #expect(await server.requests.count == 1)
        #expect(await server.requests.first?.header("If-Match") == "\"old\"")
    }

    @Test func pessimisticConcurrencyConflictIsRetriedOtherConflictsAreNot() async throws {
        let script = Script([Self.conflict, Self.conflict, .json(200, "{}")])
        let server = try await StandInServer.start { _ in await script.next() }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        #expect(try await client.put("apis/a1/operations/o1", body: ["properties": [:]]).status == 200)
        #expect(await server.requests.count == 3)

        let other = try await StandInServer.start { _ in
            .json(409, #"{"error":{"code":"Conflict","message":"name already used"}}"#)
        }
        defer { Task { await other.shutdown() } }
        let otherClient = try Fixture.client(other)
        let error = try await #require(throws: ARMError.self) { try await otherClient.put("tags/x", body: [:]) }
        #expect(error.code == .conflict)
        #expect(await other.requests.count == 1)
    }

    @Test func nonIdempotentPostsAreNotRetriedOn5xxButAreOn429() async throws {
        let server = try await StandInServer.start { _ in Self.unavailable }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let error = try await #require(throws: ARMError.self) {
            try await client.post("subscriptions/s1", action: "regeneratePrimaryKey", safety: .nonIdempotent)
        }
        #expect(error.code == .serverError)
        #expect(await server.requests.count == 1)

        let script = Script([.json(429, "{}", headers: [("Retry-After", "0")]), StubResponse(status: 204)])
        let throttled = try await StandInServer.start { _ in await script.next() }
        defer { Task { await throttled.shutdown() } }
        let throttledClient = try Fixture.client(throttled)
        let response = try await throttledClient.post(
            "subscriptions/s1", action: "regeneratePrimaryKey", safety: .nonIdempotent)
        #expect(response.status == 204)
        #expect(await throttled.requests.count == 2)

        // listValue is a read in effect: retried on 5xx.
        let readScript = Script([Self.unavailable, .json(200, #"{"value":"v"}"#)])
        let reads = try await StandInServer.start { _ in await readScript.next() }
        defer { Task { await reads.shutdown() } }
        #expect(try await Fixture.client(reads).listValue(namedValue: "nv") == "v")
        #expect(await reads.requests.count == 2)
    }

    @Test func droppedConnectionsAreRetriedForIdempotentRequestsOnly() async throws {
        let server = try await StandInServer.start { _ in .json(200, #"{"value":"v"}"#) }
        defer { Task { await server.shutdown() } }
        let flaky = FlakyTransport(failing: [1, 2])
        let client = try Fixture.client(server, transport: flaky)
        #expect(try await client.delete(ResourceID(.namedValue, "nv")).status == 200)
        #expect(flaky.sent == 3)
        #expect(await server.requests.count == 1)

        let flakyPost = FlakyTransport(failing: [1])
        let postClient = try Fixture.client(server, transport: flakyPost)
        let error = try await #require(throws: ARMError.self) {
            try await postClient.post("subscriptions/s1", action: "regenerateSecondaryKey", safety: .nonIdempotent)
        }
        #expect(error.code == .transport)
        #expect(flakyPost.sent == 1)
    }

    @Test func anUnreachableServerEndsInATransportErrorWithinTheBounds() async throws {
        // async-http-client keeps retrying a refused connection until the attempt's deadline.
        let retry = RetryPolicy(maxAttempts: 2, baseDelaySeconds: 0.001, requestTimeoutSeconds: 0.5)
        let client = try ARMClient(
            configuration: Fixture.configuration("http://127.0.0.1:9", retry: retry),
            credential: StaticTokenCredential(token: "t"))
        let start = ContinuousClock.now
        let error = try await #require(throws: ARMError.self) { try await client.get("apis") }
        // It ends, after exactly its two attempts. That each attempt ends at its own deadline is proven without a
        // clock by aSlowServerTimesOutPerAttempt; wall time on two cores shared with a busy suite proves nothing,
        // so this bound only catches a request that would never end.
        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(error.code == .transport || error.code == .timeout)
        #expect(error.attempts == 2)
        #expect(error.status == nil)
    }

    @Test func aSlowServerTimesOutPerAttempt() async throws {
        let gate = Gate()
        let server = try await StandInServer.start { _ in
            await gate.wait()
            return .json(200, "{}")
        }
        defer { Task { await server.shutdown() } }
        // A deadline long enough for the request to reach the server on a loaded machine (at 0.3 s it sometimes
        // ended before the server had read it); the server never answers, so the wait is the deadline's.
        let client = try Fixture.client(server, retry: RetryPolicy(maxAttempts: 1, requestTimeoutSeconds: 2))
        let error = try await #require(throws: ARMError.self) { try await client.get("apis") }
        // The server never answered: only the attempt's own deadline can have ended the request.
        #expect(error.code == .timeout)
        #expect(await server.requests.count == 1)
        await gate.openDoor()
    }

    @Test(.timeLimit(.minutes(1))) func cancellingTheTaskStopsTheRequest() async throws {
        let server = try await StandInServer.start { _ in
            .json(503, "{}", headers: [("Retry-After", "10")])
        }
        defer { Task { await server.shutdown() } }
        let clock = StallingClock()
        let client = try Fixture.client(server, retry: .default, clock: clock)
        let task = Task { try await client.get("apis") }
        var waits = clock.waits.makeAsyncIterator()
        let wait = await waits.next()
        #expect(wait == 10, "the client waits as long as Retry-After says")
        // The client is now in its (hour-long) wait before retrying: only cancellation can end it.
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(await server.requests.count == 1)
    }

    @Test func aRejectedTokenIsRenewedOnce() async throws {
        let issued = RequestRecorder()
        let authority = try await StandInServer.start { request in
            await issued.record(request)
            return .json(200, #"{"expires_in":3600,"access_token":"token-\#(await issued.count)"}"#)
        }
        defer { Task { await authority.shutdown() } }
        let server = try await StandInServer.start { request in
            request.header("Authorization") == "Bearer token-1"
                ? .json(
                    401, #"{"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}}"#)
                : .json(200, "{}")
        }
        defer { Task { await server.shutdown() } }
        let environment = ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s-1234"]
        let credential = Credentials.make(
            .default, options: Fixture.credentialOptions(environment: environment, authority: authority.baseURL))
        let client = try Fixture.client(server, credential: credential)

        #expect(try await client.get("apis").status == 200)
        #expect(await issued.count == 2)
        #expect(await server.requests.map { $0.header("Authorization") ?? "" } == ["Bearer token-1", "Bearer token-2"])

        // A token that stays rejected is reported, not retried forever.
        let rejecting = try await StandInServer.start { _ in
            .json(401, #"{"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}}"#)
        }
        defer { Task { await rejecting.shutdown() } }
        let error = try await #require(throws: ARMError.self) {
            try await Fixture.client(rejecting, credential: credential).get("apis")
        }
        #expect(error.code == .unauthorized)
        #expect(error.armCode == "InvalidAuthenticationToken")
        #expect(await rejecting.requests.count == 2)
    }

    @Test(.timeLimit(.minutes(1))) func cancellingARequestWaitingForAPermitStopsItAtOnce() async throws {
        let gate = Gate()
        let server = try await StandInServer.start { _ in
            await gate.wait()
            return .json(200, "{}")
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server, pacing: .unlimited(maxConcurrency: 1))
        let holder = Task { try await client.get("apis/slow") }
        while await server.requests.isEmpty { await Task.yield() }
        let waiter = Task { try await client.get("apis/waiting") }
        waiter.cancel()
        // The holder's request is held at the server until the door opens, so the only permit is still taken:
        // the waiter can only have ended because cancelling stopped its wait.
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
        await gate.openDoor()
        #expect(try await holder.value.status == 200)
        #expect(await server.requests.map(\.path).allSatisfy { $0.hasSuffix("/apis/slow") })
    }

    @Test func anAuthenticationFailureNamesTheCredential() async throws {
        let server = try await StandInServer.start { _ in .json(200, "{}") }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(
            server, credential: UnavailableCredential(name: "clientSecret", reason: "AZURE_CLIENT_SECRET not set"))
        let error = try await #require(throws: ARMError.self) { try await client.get("apis") }
        #expect(error.code == .authentication)
        #expect(error.description.contains("clientSecret credential is unavailable: AZURE_CLIENT_SECRET not set"))
        #expect(await server.requests.isEmpty)
    }
}

@Suite struct ARMLongRunningTests {
    @Test func a202IsPolledAtLocationUntilDone() async throws {
        let polls = RequestRecorder()
        let server = try await StandInServer.start { request in
            if request.method == "PUT" {
                let location =
                    request.baseURL
                    + request.path + "?api-version=2024-05-01&asyncId=abc&asyncCode=201"
                return StubResponse(status: 202, headers: [("Location", location), ("Retry-After", "0")])
            }
            await polls.record(request)
            if await polls.count < 3 { return StubResponse(status: 202, headers: [("Retry-After", "0")]) }
            return .json(
                201, #"{"properties":{"provisioningState":"Succeeded","displayName":"a"}}"#, headers: [("ETag", "e9")])
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let response = try await client.put(ResourceID(.api, "a"), properties: ["displayName": "a", "path": "a"])
        #expect(response.status == 201)
        #expect(response.etag == "e9")
        #expect(response.properties?["displayName"]?.stringValue == "a")
        let requests = await server.requests
        #expect(requests.map(\.method) == ["PUT", "GET", "GET", "GET"])
        #expect(requests[1].queryItems["asyncId"] == "abc")
    }

    @Test func inProgressBodiesArePolledThroughAzureAsyncOperation() async throws {
        let server = try await StandInServer.start { request in
            let base = request.baseURL
            if request.method == "PUT" {
                return .json(
                    201, #"{"properties":{"provisioningState":"InProgress"}}"#,
                    headers: [
                        ("Azure-AsyncOperation", base + "/ops/1?api-version=2024-05-01"),
                        ("Location", base + request.path + "?api-version=2024-05-01&asyncId=1"),
                    ])
            }
            if request.path == "/ops/1" { return .json(200, #"{"status":"Succeeded"}"#) }
            return .json(200, #"{"properties":{"provisioningState":"Succeeded","value":"final"}}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let response = try await client.put(ResourceID(.namedValue, "nv"), properties: ["displayName": "nv"])
        #expect(response.properties?["value"]?.stringValue == "final")
        #expect(await server.requests.map(\.path).last?.hasSuffix("/namedValues/nv") == true)
        #expect(await server.requests.count == 3)
    }

    @Test func aFailedOperationSurfacesItsError() async throws {
        let server = try await StandInServer.start { request in
            let base = request.baseURL
            if request.method == "PUT" {
                return StubResponse(
                    status: 202, headers: [("Azure-AsyncOperation", base + "/ops/2?api-version=2024-05-01")])
            }
            return .json(
                200, #"{"status":"Failed","error":{"code":"ValidationError","message":"Key Vault secret not found"}}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let error = try await #require(throws: ARMError.self) {
            try await client.put(ResourceID(.namedValue, "kv"), properties: ["displayName": "kv"])
        }
        #expect(error.code == .operationFailed)
        #expect(error.armCode == "ValidationError")
        #expect(error.message == "Key Vault secret not found")
        #expect(error.operation == "PUT namedValues/kv")
    }

    @Test func anErrorWhilePollingIsSurfaced() async throws {
        let server = try await StandInServer.start { request in
            let base = request.baseURL
            if request.method == "PUT" {
                return StubResponse(
                    status: 202, headers: [("Location", base + request.path + "?api-version=2024-05-01")])
            }
            return .json(412, #"{"error":{"code":"PreconditionFailed","message":"Resource was modified"}}"#)
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        let error = try await #require(throws: ARMError.self) {
            try await client.put(ResourceID(.api, "a"), properties: [:])
        }
        #expect(error.code == .preconditionFailed)
        #expect(error.operation == "PUT apis/a (polling)")
    }

    @Test func pollingIsBoundedByTheTimeout() async throws {
        let server = try await StandInServer.start { request in
            let base = request.baseURL
            return StubResponse(
                status: 202, headers: [("Location", base + "/ops?api-version=2024-05-01"), ("Retry-After", "0")])
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server, longRunningTimeout: 0.5)
        let error = try await #require(throws: ARMError.self) { try await client.delete(ResourceID(.api, "a")) }
        #expect(error.code == .timeout)
        #expect(error.description.contains("did not finish within"))
    }

    @Test func aDeleteAcceptedIsPolledTo204() async throws {
        let script = Script([StubResponse(status: 202), StubResponse(status: 204)])
        let server = try await StandInServer.start { request in
            let base = request.baseURL
            var stub = await script.next()
            if request.method == "DELETE" { stub.headers.append(("Location", base + "/ops/d?api-version=2024-05-01")) }
            return stub
        }
        defer { Task { await server.shutdown() } }
        let client = try Fixture.client(server)
        #expect(try await client.delete(ResourceID(.api, "a")).status == 204)
        #expect(await server.requests.map(\.method) == ["DELETE", "GET"])
    }
}
