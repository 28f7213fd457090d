/// The waiting shared by `Semaphore` and `BoundedSemaphore`, which differ only in the
/// `bound` of their state.
extension StateLock where State == SemaphoreState {
    /// `semaphore` is the object the tracer names.
    func acquireBlocking(deadline: Deadline, semaphore: AnyObject) -> Bool {
        // A wait is traced only when no permit looks free (a snapshot; diagnostics only).
        if DiagnosticsHooks.isActive, value == 0 {
            let wait = DiagnosticsHooks.waitBegan(.semaphore, object: semaphore)
            let acquired = acquireBlocking(deadline: deadline)
            DiagnosticsHooks.waitEnded(wait, satisfied: acquired)
            return acquired
        }
        return acquireBlocking(deadline: deadline)
    }

    private func acquireBlocking(deadline: Deadline) -> Bool {
        // No spin: used as a mutex by many threads, a permit handed to the oldest waiter
        // finds it parked anyway, and spinning waiters would take the CPU from the holder
        // (8 threads on 2 cores: 10x slower in SemaphoreTests.stressAsMutex).
        blockAsWaiter(deadline: deadline, spin: false) { waiter in
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
        if timeout == .zero { return tryAcquire() }
        return acquireBlocking(deadline: .after(timeout), semaphore: semaphore)
    }

    func acquireAsync() async throws {
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
