/// The waiting shared by `Semaphore` and `BoundedSemaphore`, which differ only in the
/// `bound` of their state.
extension StateLock where State == SemaphoreState {
    /// `semaphore` is the object the tracer names.
    func acquire(semaphore: AnyObject) {
        // A free permit needs no parker (nor a deadline): much cheaper than registering.
        if tryAcquire() { return }
        _ = acquireBlocking(deadline: .never, semaphore: semaphore)
    }

    /// Blocks for a permit; reached once one was not free at once, so traced as a wait.
    func acquireBlocking(deadline: Deadline, semaphore: AnyObject) -> Bool {
        if DiagnosticsHooks.isActive {
            let wait = DiagnosticsHooks.waitBegan(.semaphore, object: semaphore)
            let acquired = blockForPermit(deadline: deadline)
            DiagnosticsHooks.waitEnded(wait, satisfied: acquired)
            return acquired
        }
        return blockForPermit(deadline: deadline)
    }

    private func blockForPermit(deadline: Deadline) -> Bool {
        // No spin: used as a mutex by many threads, a permit handed to the oldest waiter
        // finds it parked anyway, and spinning waiters would take the CPU from the holder
        // (8 threads on 2 cores: 10x slower in SemaphoreTests.stressAsMutex).
        return blockAsWaiter(deadline: deadline, spin: false) { waiter in
            withLock { $0.acquire(waiter) }
        } withdraw: { id in
            withLock { $0.withdraw(id: id) } != nil
        }
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
        try await suspendAsWaiter { waiter in
            withLock { state in Task.isCancelled ? .cancelled : state.acquire(waiter) }
        } withdraw: { id in
            withLock { $0.withdraw(id: id) }
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
