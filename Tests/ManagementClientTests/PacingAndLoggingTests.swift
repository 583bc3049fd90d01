import Foundation
import Logging
import ManagementClient
import Model
import Synchronization
import Testing

@Suite struct PacingTests {
    @Test func concurrencyIsBounded() async throws {
        let inFlight = Mutex((now: 0, peak: 0))
        // Each request waits (up to 0.5 s) until three are in flight, so the peak does not depend on how quickly a
        // loaded machine schedules the client: a client allowing fewer than three cannot reach it, more exceed it.
        let server = try await StandInServer.start { _ in
            inFlight.withLock {
                $0.now += 1
                $0.peak = max($0.peak, $0.now)
            }
            for _ in 0..<50 where inFlight.withLock({ $0.now < 3 }) {
                try? await Task.sleep(for: .milliseconds(10))
            }
            try? await Task.sleep(for: .milliseconds(10))
            inFlight.withLock { $0.now -= 1 }
            return .json(200, "{}")
        }
        defer { Task { await server.shutdown() } }
        // No retries and a generous deadline: an attempt abandoned on a loaded machine and retried would stay in
        // flight at the server beside its retry, which says nothing about the client's bound.
        let client = try Fixture.client(
            server, retry: RetryPolicy(maxAttempts: 1, requestTimeoutSeconds: 60),
            pacing: .unlimited(maxConcurrency: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<15 { group.addTask { _ = try await client.get("tags/t\(index)") } }
            try await group.waitForAll()
        }
        #expect(inFlight.withLock { $0.peak } == 3)
        #expect(await server.requests.count == 15)
    }

    @Test func tokenBucketsPaceEachRequestClass() async throws {
        let server = try await StandInServer.start { _ in .json(200, "{}") }
        defer { Task { await server.shutdown() } }
        // Writes: 2 at once, then 20/s. 12 writes need (12 - 2) / 20 = 0.5 s; reads are not held back.
        let pacing = PacingPolicy(
            maxConcurrency: 16,
            buckets: [
                .write: .init(capacity: 2, refillPerSecond: 20), .read: .init(capacity: 100, refillPerSecond: 100),
            ])
        let clock = RecordingClock()
        let client = try Fixture.client(server, pacing: pacing, clock: clock)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 { group.addTask { _ = try await client.put("tags/t\(index)", body: [:]) } }
            try await group.waitForAll()
        }
        // A lower bound holds on any machine; how much longer a loaded machine takes is not the client's doing.
        #expect(ContinuousClock.now - start >= .milliseconds(480))
        #expect(clock.sleepCount > 0)

        clock.reset()
        for index in 0..<10 { _ = try await client.get("tags/t\(index)") }
        // The read bucket has room: the client asked for no wait at all (checked on the clock, not by timing).
        #expect(clock.sleepCount == 0)
    }

    @Test func lowRemainingHeadersSlowTheClientDown() async throws {
        let server = try await StandInServer.start { _ in
            .json(200, "{}", headers: [("x-ms-ratelimit-remaining-subscription-reads", "0")])
        }
        defer { Task { await server.shutdown() } }
        // The local bucket would allow 100 at once; ARM says none remain, so the client waits for refill (10/s).
        let pacing = PacingPolicy(buckets: [.read: .init(capacity: 100, refillPerSecond: 10)])
        let client = try Fixture.client(server, pacing: pacing)
        let start = ContinuousClock.now
        for _ in 0..<4 { _ = try await client.get("apis") }
        #expect(ContinuousClock.now - start >= .milliseconds(280))
    }

    @Test func a429PausesTheWholeClassForRetryAfter() async throws {
        let script = Script([
            .json(429, "{}", headers: [("Retry-After", "1")]), .json(200, "{}"),
        ])
        let server = try await StandInServer.start { _ in await script.next() }
        defer { Task { await server.shutdown() } }
        let clock = VirtualClock()
        let client = try Fixture.client(server, pacing: .default, clock: clock)
        _ = try await client.put("tags/a", body: [:])  // 429, waits ≥ 1 s, 200
        #expect(clock.slept >= 1)
        let waited = clock.slept
        _ = try await client.put("tags/b", body: [:])
        #expect(clock.slept - waited < 0.1, "the pause after Retry-After outlived it")
        #expect(await server.requests.count == 3)
    }

    @Test func jitterIsReproducibleFromASeed() {
        let first = JitterSource(seed: 7)
        let second = JitterSource(seed: 7)
        let a = (0..<5).map { _ in first.unit() }
        let b = (0..<5).map { _ in second.unit() }
        #expect(a == b)
        #expect(a.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Set(a).count == 5)
    }
}

@Suite struct LogRedactionTests {
    @Test func tracingAFullFlowNeverLogsTokensOrSecrets() async throws {
        let clientSecret = "client-secret-Zq9!"
        let accessToken = "eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0MSJ9.access-token-sig"
        let namedValueSecret = "named-value-secret-8c1"
        let primaryKey = "primary-key-7f3a"
        let secondaryKey = "secondary-key-2b4e"
        let server = try await StandInServer.start { request in
            switch request.path {
            case "/tenant-9/oauth2/v2.0/token":
                return .json(200, #"{"access_token":"\#(accessToken)","expires_in":3600}"#)
            case let path where path.hasSuffix("/listValue"):
                return .json(200, #"{"value":"\#(namedValueSecret)"}"#, headers: [("x-ms-request-id", "r1")])
            case let path where path.hasSuffix("/listSecrets"):
                return .json(200, #"{"primaryKey":"\#(primaryKey)","secondaryKey":"\#(secondaryKey)"}"#)
            case let path where path.hasSuffix("/namedValues/nv") && request.method == "PUT":
                return .json(429, "{}", headers: [("Retry-After", "0")])
            default:
                return .json(200, #"{"value":[{"name":"nv","properties":{"secret":true}}]}"#)
            }
        }
        defer { Task { await server.shutdown() } }
        let logs = LogStore()
        let environment = ["AZURE_TENANT_ID": "tenant-9", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": clientSecret]
        let options = Fixture.credentialOptions(
            environment: environment, authority: server.baseURL, logger: logs.logger("auth"))
        let credential = Credentials.make(.default, options: options)
        let client = try Fixture.client(
            server, retry: RetryPolicy(maxAttempts: 2, baseDelaySeconds: 0.001), credential: credential,
            logger: logs.logger("arm"))

        _ = try await client.list(.namedValue)
        #expect(try await client.listValue(namedValue: "nv") == namedValueSecret)
        let raw = try await client.post(ResourceID(.namedValue, "nv").armPath, action: "listValue", safety: .readOnly)
        #expect(!"\(raw)".contains(namedValueSecret))
        #expect(!String(reflecting: raw).contains(namedValueSecret))
        _ = try await client.listSecrets(subscription: "s1")
        let error = try await #require(throws: ARMError.self) {
            try await client.put(ResourceID(.namedValue, "nv"), properties: ["value": .string(namedValueSecret)])
        }
        #expect(error.code == .throttled)
        #expect(!error.description.contains(namedValueSecret))

        let text = logs.text
        #expect(logs.all.count >= 8)
        #expect(text.contains("POST namedValues/nv/listValue"))
        #expect(text.contains("credential=clientSecret"))
        for secret in [clientSecret, accessToken, "access-token-sig", namedValueSecret, primaryKey, secondaryKey] {
            #expect(!text.contains(secret), "log contains \(secret)")
        }
        #expect(!text.lowercased().contains("bearer"))
    }
}

/// The real clock, counting the waits the client asks it for.
final class RecordingClock: ARMClock {
    private let base = SystemARMClock()
    private let sleeps = Mutex(0)

    var sleepCount: Int { sleeps.withLock { $0 } }

    func reset() { sleeps.withLock { $0 = 0 } }

    func now() -> Double { base.now() }

    func sleep(seconds: Double) async throws {
        if seconds > 0 { sleeps.withLock { $0 += 1 } }
        try await base.sleep(seconds: seconds)
    }
}
