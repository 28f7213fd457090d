/// The waiting of `CountingSemaphore` (`Semaphore` and `BoundedSemaphore` differ only in the
/// `bound` of their state).
extension StateLock where State == SemaphoreState {
    /// `semaphore` is the object the tracer names.
    func acquire(semaphore: AnyObject) {
        // A free permit needs no parker (nor a deadline): much cheaper than registering.
        if tryAcquire() { return }
        _ = acquireBlocking(deadline: .never, semaphore: semaphore)
    }

    /// Blocks for a permit; reached once one was not free at once, so traced as a wait.
    func acquireBlocking(deadline: Deadline, semaphore: AnyObject) -> Bool {
        DiagnosticsHooks.traced(.semaphore, object: semaphore) { blockForPermit(deadline: deadline) }
    }

    private func blockForPermit(deadline: Deadline) -> Bool {
        // No spin: used as a mutex by many threads, a woken waiter usually finds its permit
        // taken anyway, and spinning waiters would take the CPU from the holder.
        let id = Waiter.nextID()
        var parker = ThreadParker()
        var listed = withLock { $0.acquire(Waiter(id: id, handle: .thread(parker))) } == .listed
        while listed {
            if parker.park(until: deadline) {
                // Woken: try for the permit, or wait again at the front (a parker is
                // one-shot, so a new one).
                parker = ThreadParker()
                let again = Waiter(id: id, handle: .thread(parker))
                listed = !withLock { $0.retry(relisting: again) }
                continue
            }
            if withLock({ $0.withdraw(id: id) }) != nil { return false }
            // A release woke this waiter just as its time ran out: answer the wake-up, so
            // the permit it was woken for is taken here (the wait succeeds) or was taken by
            // a newcomer. Its coming unpark finds no one asleep, which is harmless.
            return withLock { $0.retry(relisting: nil) }
        }
        return true
    }

    func tryAcquire() -> Bool {
        withLock { $0.tryAcquire() }
    }

    func acquire(timeout: Duration, semaphore: AnyObject) throws -> Bool {
        try checkTimeout(timeout)
        if tryAcquire() { return true }
        if timeout == .zero { return false }
        return acquireBlocking(deadline: .after(timeout), semaphore: semaphore)
    }

    func acquireAsync() async throws {
        if !Task.isCancelled, tryAcquire() { return }
        var woken = false
        while true {
            var acquired = false
            try await suspendAsWaiter { waiter in
                withLock { state in
                    let cancelled = Task.isCancelled
                    if woken {
                        // Back from a release's wake-up: answered even when cancelled, so
                        // the permit is taken (and kept) or was taken by a newcomer.
                        acquired = state.retry(relisting: cancelled ? nil : waiter)
                        return acquired ? .proceed : cancelled ? .cancelled : .listed
                    }
                    if cancelled { return .cancelled }
                    let registration = state.acquire(waiter)
                    acquired = registration == .proceed
                    return registration
                }
            } withdraw: { id in
                withLock { $0.withdraw(id: id) }
            }
            if acquired { return }
            woken = true
        }
    }

    func release(_ n: Int, semaphore: AnyObject) throws {
        guard n >= 1 else {
            throw ThreadingError.invalidArgument("release(_:): n must be one or more, got \(n)")
        }
        switch withLock({ $0.release(n) }) {
        case .released(let wake):
            if DiagnosticsHooks.isActive { DiagnosticsHooks.signaled(.semaphore, object: semaphore) }
            for waiter in wake { waiter.resume() }
        case .tooManyReleases:
            throw ThreadingError.tooManyReleases
        case .overflow:
            throw ThreadingError.invalidArgument("release(_:): the count would overflow Int")
        }
    }

    var value: Int { withLock { $0.value } }

    var waiterCount: Int { withLock { $0.waiterCount } }
}
