import DequeModule
import Model

/// A monotonic clock the client paces and waits with; tests may substitute one.
public protocol ARMClock: Sendable {
    /// Seconds since an arbitrary fixed origin, never decreasing.
    func now() -> Double
    /// Waits `seconds` (throws `CancellationError` when the task is cancelled).
    func sleep(seconds: Double) async throws
}

/// The real clock (`ContinuousClock`).
public struct SystemARMClock: ARMClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        (ContinuousClock.now - origin).inSeconds
    }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return try Task.checkCancellation() }
        try await Task.sleep(for: .nanoseconds(Int64(min(seconds, 86_400) * 1e9)))
    }
}

/// The class of an ARM request, which decides the token bucket it draws from.
public enum RequestClass: String, Sendable, CaseIterable {
    /// GET and HEAD.
    case read
    /// PUT, PATCH and POST.
    case write
    /// DELETE.
    case delete

    /// The `x-ms-ratelimit-remaining-subscription-*` header that reports this class.
    var remainingHeader: String {
        switch self {
        case .read: "x-ms-ratelimit-remaining-subscription-reads"
        case .write: "x-ms-ratelimit-remaining-subscription-writes"
        case .delete: "x-ms-ratelimit-remaining-subscription-deletes"
        }
    }
}

/// How fast and how wide the client may go.
public struct PacingPolicy: Sendable {
    /// A token bucket: `capacity` requests at once, refilled at `refillPerSecond`.
    public struct Bucket: Sendable, Hashable {
        public var capacity: Double
        public var refillPerSecond: Double
        public init(capacity: Double, refillPerSecond: Double) {
            self.capacity = capacity
            self.refillPerSecond = refillPerSecond
        }
    }

    /// Requests in flight at once.
    public var maxConcurrency: Int
    /// The bucket per request class; nil disables client-side rate limiting for that class.
    public var buckets: [RequestClass: Bucket]
    /// When ARM reports fewer remaining requests of a class than this, the local bucket is lowered to match.
    public var lowRemainingThreshold: Double
    /// Extra wait, in seconds, for a request that had to wait for a token. ARM's bucket starts when the first
    /// request arrives, a little after the client's, and later requests may arrive faster than the first did:
    /// without a margin a client running exactly at the limit can still meet an occasional 429.
    public var safetyMarginSeconds: Double

    public init(
        maxConcurrency: Int = 16, buckets: [RequestClass: Bucket] = PacingPolicy.armSubscriptionLimits,
        lowRemainingThreshold: Double = 1_000_000, safetyMarginSeconds: Double = 0.05
    ) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.buckets = buckets
        self.lowRemainingThreshold = lowRemainingThreshold
        self.safetyMarginSeconds = safetyMarginSeconds
    }

    /// ARM's per-principal subscription limits: reads 250 @ 25/s, writes 200 @ 10/s, deletes 200 @ 10/s.
    public static let armSubscriptionLimits: [RequestClass: Bucket] = [
        .read: Bucket(capacity: 250, refillPerSecond: 25),
        .write: Bucket(capacity: 200, refillPerSecond: 10),
        .delete: Bucket(capacity: 200, refillPerSecond: 10),
    ]

    /// ARM's limits with capacities and rates multiplied by `factor` (e.g. a subscription with higher limits).
    public static func armSubscriptionLimits(scaledBy factor: Double) -> [RequestClass: Bucket] {
        armSubscriptionLimits.mapValues {
            Bucket(capacity: $0.capacity * factor, refillPerSecond: $0.refillPerSecond * factor)
        }
    }

    /// Default concurrency, ARM's limits.
    public static let `default` = PacingPolicy()

    /// Sets the concurrency when given, and scales the read bucket to `readBudgetShare` of itself (a client that
    /// leaves the rest of the subscription's read budget to others).
    public mutating func apply(concurrency: Int?, readBudgetShare: Double) {
        if let concurrency { maxConcurrency = max(1, concurrency) }
        if readBudgetShare < 1, let read = buckets[.read] {
            buckets[.read] = Bucket(
                capacity: read.capacity * readBudgetShare, refillPerSecond: read.refillPerSecond * readBudgetShare)
        }
    }

    /// Bounded concurrency only, no rate limiting.
    public static func unlimited(maxConcurrency: Int = 16) -> PacingPolicy {
        PacingPolicy(maxConcurrency: maxConcurrency, buckets: [:])
    }
}

/// A counting semaphore for tasks: FIFO within two lanes, cancellation-aware. Urgent waiters (a list's next
/// page) go before normal ones: a list that has started finishes first, so the work it unlocks can be queued
/// before the queue runs dry.
actor AsyncSemaphore {
    private typealias Waiter = (id: Int, continuation: CheckedContinuation<Void, any Error>)
    private var available: Int
    private var urgentWaiters: Deque<Waiter> = []
    private var waiters: Deque<Waiter> = []
    private var nextID = 0

    init(permits: Int) {
        available = permits
    }

    func acquire(urgent: Bool = false) async throws {
        try Task.checkCancellation()
        if available > 0, waiters.isEmpty, urgentWaiters.isEmpty {
            available -= 1
            return
        }
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else if urgent {
                    urgentWaiters.append((id, continuation))
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Tasks waiting for a permit.
    var waiting: Int { urgentWaiters.count + waiters.count }

    func release() {
        if let next = urgentWaiters.popFirst() ?? waiters.popFirst() {
            next.continuation.resume()
        } else {
            available += 1
        }
    }

    private func cancelWaiter(_ id: Int) {
        if let index = urgentWaiters.firstIndex(where: { $0.id == id }) {
            urgentWaiters.remove(at: index).continuation.resume(throwing: CancellationError())
        } else if let index = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        }
    }
}

/// A token bucket that hands out reservations: taking a token may drive the balance negative, and the caller
/// waits until its token would have been refilled. Fair under concurrency, and it never busy-waits.
actor TokenBucket {
    let capacity: Double
    let rate: Double
    let margin: Double
    private var tokens: Double
    private var updated: Double
    private var pausedUntil: Double = 0
    /// Wall time during which at least one request was held back by this bucket, and when the latest hold ends.
    private(set) var heldSeconds: Double = 0
    private var heldUntil: Double = 0

    init(_ bucket: PacingPolicy.Bucket, margin: Double = 0, now: Double) {
        capacity = max(1, bucket.capacity)
        rate = max(0.001, bucket.refillPerSecond)
        self.margin = max(0, margin)
        tokens = capacity
        updated = now
    }

    /// Takes one token; returns how long the caller must wait before sending.
    func reserve(now: Double) -> Double {
        refill(now: now)
        tokens -= 1
        let refillWait = tokens >= 0 ? 0 : -tokens / rate + margin
        let wait = max(refillWait, pausedUntil - now, 0)
        if wait > 0 {
            // Holds overlap (every waiter's hold starts at its own reservation): count the union, not the sum.
            let end = now + wait
            heldSeconds += max(0, end - max(now, heldUntil))
            heldUntil = max(heldUntil, end)
        }
        return wait
    }

    /// Gives back a token whose request was never sent (its task was cancelled while waiting).
    func refund(now: Double) {
        refill(now: now)
        tokens = min(capacity, tokens + 1)
    }

    /// Lowers the balance to what ARM reports as remaining.
    func observeRemaining(_ remaining: Double, now: Double) {
        refill(now: now)
        tokens = min(tokens, remaining)
    }

    /// Stops handing out immediate tokens until `until` (after a 429's `Retry-After`).
    func pause(until: Double, now: Double) {
        refill(now: now)
        pausedUntil = max(pausedUntil, until)
        tokens = min(tokens, 0)
    }

    private func refill(now: Double) {
        if now > updated {
            tokens = min(capacity, tokens + (now - updated) * rate)
            updated = now
        }
    }
}

/// The client's pacing: a concurrency limit shared by all requests and one token bucket per request class.
final class RequestPacer: Sendable {
    let semaphore: AsyncSemaphore
    let buckets: [RequestClass: TokenBucket]
    let clock: any ARMClock
    let lowRemainingThreshold: Double

    init(policy: PacingPolicy, clock: any ARMClock) {
        semaphore = AsyncSemaphore(permits: policy.maxConcurrency)
        let now = clock.now()
        buckets = policy.buckets.mapValues { TokenBucket($0, margin: policy.safetyMarginSeconds, now: now) }
        self.clock = clock
        lowRemainingThreshold = policy.lowRemainingThreshold
    }

    /// Waits for a token of `requestClass` and then for a concurrency permit, ahead of other waiters when
    /// `urgent`. Returns the seconds spent waiting.
    @discardableResult
    func acquire(_ requestClass: RequestClass, urgent: Bool = false) async throws -> Double {
        let start = clock.now()
        if let bucket = buckets[requestClass] {
            let wait = await bucket.reserve(now: start)
            if wait > 0 {
                do {
                    try await clock.sleep(seconds: wait)
                } catch {
                    await bucket.refund(now: clock.now())
                    throw error
                }
            }
        }
        try await semaphore.acquire(urgent: urgent)
        return clock.now() - start
    }

    func release() async {
        await semaphore.release()
    }

    /// Wall time, per request class, during which the class's bucket held at least one request back.
    func heldSeconds() async -> [RequestClass: Double] {
        var held: [RequestClass: Double] = [:]
        for (requestClass, bucket) in buckets { held[requestClass] = await bucket.heldSeconds }
        return held
    }

    /// Adjusts the bucket of `requestClass` after a response: follows ARM's remaining count when it runs low,
    /// and pauses the class after a 429.
    func observe(_ response: TransportResponse, requestClass: RequestClass, throttleDelay: Double?) async {
        guard let bucket = buckets[requestClass] else { return }
        let now = clock.now()
        if let text = response.header(requestClass.remainingHeader), let remaining = Double(text),
            remaining < lowRemainingThreshold
        {
            await bucket.observeRemaining(remaining, now: now)
        }
        if response.status == 429 {
            await bucket.pause(until: now + (throttleDelay ?? 1), now: now)
        }
    }
}
