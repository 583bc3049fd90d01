import Foundation
import Testing

@testable import ManagementClient

@Suite struct InternalsTests {
    @Test func theTokenBucketHandsOutFairReservations() async {
        let bucket = TokenBucket(.init(capacity: 2, refillPerSecond: 10), now: 0)
        #expect(await bucket.reserve(now: 0) == 0)
        #expect(await bucket.reserve(now: 0) == 0)
        // Empty: each further request waits for its own refill slot, 0.1 s apart.
        #expect(abs(await bucket.reserve(now: 0) - 0.1) < 1e-9)
        #expect(abs(await bucket.reserve(now: 0) - 0.2) < 1e-9)
        // A refund gives the slot back; refill never exceeds the capacity.
        await bucket.refund(now: 0)
        #expect(abs(await bucket.reserve(now: 0) - 0.2) < 1e-9)
        #expect(await bucket.reserve(now: 100) == 0)
        #expect(await bucket.reserve(now: 100) == 0)
        #expect(await bucket.reserve(now: 100) > 0)
    }

    @Test func urgentWaitersGetThePermitBeforeEarlierNormalOnes() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        try await semaphore.acquire()
        let order = OrderLog()
        func waiter(_ label: String, urgent: Bool) -> Task<Void, any Error> {
            Task {
                try await semaphore.acquire(urgent: urgent)
                await order.append(label)
                await semaphore.release()
            }
        }
        var tasks: [Task<Void, any Error>] = []
        for (index, (label, urgent)) in [("first", false), ("second", false), ("next page", true)].enumerated() {
            tasks.append(waiter(label, urgent: urgent))
            while await semaphore.waiting <= index { await Task.yield() }
        }
        await semaphore.release()
        for task in tasks { try await task.value }
        #expect(await order.labels == ["next page", "first", "second"])
    }

    @Test func armRemainingCountsAndPausesLowerTheBucket() async {
        let bucket = TokenBucket(.init(capacity: 100, refillPerSecond: 10), now: 0)
        await bucket.observeRemaining(0, now: 0)
        #expect(abs(await bucket.reserve(now: 0) - 0.1) < 1e-9)
        let paused = TokenBucket(.init(capacity: 100, refillPerSecond: 10), now: 0)
        await paused.pause(until: 3, now: 0)
        #expect(await paused.reserve(now: 1) == 2)
    }

    @Test func retryAfterIsReadInAllItsForms() {
        #expect(requestedRetryDelay(TransportResponse(status: 429, headers: [("Retry-After", "7")])) == 7)
        #expect(requestedRetryDelay(TransportResponse(status: 429, headers: [("retry-after-ms", "1500")])) == 1.5)
        #expect(requestedRetryDelay(TransportResponse(status: 429, headers: [("x-ms-retry-after-ms", "250")])) == 0.25)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let date = TransportResponse(status: 503, headers: [("Retry-After", "Tue, 14 Nov 2023 22:13:40 GMT")])
        #expect(requestedRetryDelay(date, now: now) == 20)
        #expect(requestedRetryDelay(TransportResponse(status: 503)) == nil)
        #expect(requestedRetryDelay(TransportResponse(status: 503, headers: [("Retry-After", "soon")])) == nil)
    }

    @Test func backoffUsesFullJitterUnderAGrowingCeiling() {
        let policy = RetryPolicy(baseDelaySeconds: 1, maxDelaySeconds: 8)
        #expect(policy.backoff(afterAttempt: 1, unit: 0.999) < 1)
        #expect(policy.backoff(afterAttempt: 3, unit: 0.5) == 2)
        #expect(policy.backoff(afterAttempt: 10, unit: 1) == 8)
        #expect(policy.backoff(afterAttempt: 10, unit: 0) == 0)
    }

    @Test func urlsEncodeSegmentsAndQueryValues() {
        #expect(ARMURL.encodePath("apis/echo;rev=2/operations/a b") == "apis/echo;rev=2/operations/a%20b")
        #expect(ARMURL.query([("$filter", "name eq 'a&b'")]) == "$filter=name%20eq%20'a%26b'")
        #expect(ARMURL.form([("client_secret", "a+b=c&d")]) == "client_secret=a%2Bb%3Dc%26d")
    }
}

/// Labels in the order tasks recorded them.
private actor OrderLog {
    var labels: [String] = []
    func append(_ label: String) { labels.append(label) }
}
