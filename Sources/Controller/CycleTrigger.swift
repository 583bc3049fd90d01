/// The wait between cycles: ends when the delay has passed, when someone asks for a cycle now (`pull`), or
/// when the waiting task is cancelled (graceful shutdown). A pull during a cycle is kept for the next wait.
actor CycleTrigger {
    private var pending = false
    /// Whether the current wait was ended by `pull()`.
    private var pulled = false
    private var waiter: CheckedContinuation<Void, Never>?
    /// Tells one wait from the next, so a late timer never ends a later wait.
    private var generation = 0

    /// Whether a wait is in progress.
    var isWaiting: Bool { waiter != nil }

    /// Asks for a cycle now.
    func pull() {
        if waiter != nil {
            pulled = true
            wake(generation)
        } else {
            pending = true
        }
    }

    /// Waits up to `delay`; returns early on `pull()` or cancellation. Returns whether a pull ended it.
    @discardableResult
    func wait(upTo delay: Duration, clock: any ControllerClock = SystemControllerClock()) async -> Bool {
        if pending {
            pending = false
            return true
        }
        generation += 1
        let current = generation
        let timer = Task {
            guard (try? await clock.sleep(for: delay)) != nil else { return }
            self.wake(current)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume() } else { waiter = continuation }
            }
        } onCancel: {
            Task { await self.wake(current) }
        }
        timer.cancel()
        defer { pulled = false }
        return pulled
    }

    private func wake(_ wanted: Int) {
        guard wanted == generation, let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}
