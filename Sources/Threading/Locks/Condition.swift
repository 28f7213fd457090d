/// A condition variable, Python's `threading.Condition`: threads holding a lock wait
/// until another thread notifies them.
///
/// A `Condition` works over a lock (`RLock()` by default, or a `Lock`, or any other
/// `Lockable`) and is itself `Lockable`: `acquire`, `release` and `withLock` act on that
/// lock. `wait` must be called with the lock held: it releases the lock completely (an
/// `RLock` held several times too), blocks until notified or timed out, and re-acquires
/// the lock — always, also on timeout — before it returns.
///
/// | form | waits for | ends with |
/// |---|---|---|
/// | `wait()` | `notify`/`notifyAll` | returns |
/// | `wait(timeout:)` | a notification or the timeout | `true` if notified, `false` on timeout |
/// | `wait(until:)` | the predicate to hold, re-checked on each notification | returns |
/// | `wait(until:timeout:)` | the predicate or the timeout | the predicate's last value |
///
/// Wake-ups are FIFO: `notify(n)` wakes exactly the `n` threads that have waited longest
/// (fewer if fewer wait). There are no spurious wake-ups, but a woken thread must still
/// re-check its condition, since another thread may change it before the woken one gets
/// the lock back: `wait(until:)` does that loop. A wait that times out just as a notify
/// chose it counts as notified (returns `true`), so no notification is lost.
///
/// Every call that needs the lock throws `.notOwner` when the calling thread does not hold
/// it. Happens-before: everything the notifier did before releasing the lock → the woken
/// waiter once its `wait` returns.
public final class Condition: Lockable, CustomStringConvertible {
    /// The lock the condition's callers hold.
    let lock: any Lockable
    private let state = StateLock(ConditionState())

    /// Makes a condition over `lock`, a fresh `RLock` by default.
    public init(_ lock: any Lockable = RLock()) {
        self.lock = lock
    }

    public var description: String {
        "<Condition(\(lock), \(state.withLock { $0.waiterCount }))>"
    }

    // MARK: Lockable, delegated to the lock

    /// Acquires the underlying lock.
    public func acquire() { lock.acquire() }
    public func _acquire(at site: AcquisitionSite) { lock._acquire(at: site) }
    /// Acquires the underlying lock if it is free; never blocks.
    public func tryAcquire() -> Bool { lock.tryAcquire() }
    /// Acquires the underlying lock, waiting at most `timeout`; `false` on timeout.
    public func acquire(timeout: Duration) throws -> Bool { try lock.acquire(timeout: timeout) }
    /// Releases the underlying lock, with its errors.
    public func release() throws { try lock.release() }
    public func _isOwned() -> Bool { lock._isOwned() }
    public func _releaseSave() throws -> Int { try lock._releaseSave() }
    public func _acquireRestore(_ saved: Int) { lock._acquireRestore(saved) }

    // MARK: Waiting

    /// Releases the lock, blocks until a `notify` picks this thread, and re-acquires the
    /// lock. Throws `.notOwner` (without waiting) when the calling thread does not hold
    /// the lock.
    @available(
        *, noasync,
        message:
            "blocks the thread; in async code wait for an `Event`, a `Semaphore` or a `Queue` with `await`"
    )
    public func wait() throws {
        _ = try wait(deadline: .never)
    }

    /// Like `wait()`, but gives up after `timeout`: returns `true` when notified, `false`
    /// when the time ran out (a result, not an error). The lock is re-acquired either way.
    /// Throws `.notOwner` when the lock is not held, `.invalidArgument` for a negative
    /// timeout.
    @available(
        *, noasync,
        message:
            "blocks the thread; in async code wait for an `Event`, a `Semaphore` or a `Queue` with `await`"
    )
    public func wait(timeout: Duration) throws -> Bool {
        try checkTimeout(timeout)
        return try wait(deadline: .after(timeout))
    }

    /// Waits until `predicate` returns `true`: checks it first, then after every wake-up,
    /// always holding the lock. Throws `.notOwner` when the lock is not held (checked
    /// before the predicate runs, since the predicate reads state the lock guards).
    @available(
        *, noasync,
        message:
            "blocks the thread; in async code wait for an `Event`, a `Semaphore` or a `Queue` with `await`"
    )
    public func wait(until predicate: () -> Bool) throws {
        _ = try wait(until: predicate, deadline: .never)
    }

    /// Like `wait(until:)`, but gives up after `timeout`; returns the predicate's last value
    /// (`false` means the time ran out first). Throws `.notOwner` when the lock is not held,
    /// `.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message:
            "blocks the thread; in async code wait for an `Event`, a `Semaphore` or a `Queue` with `await`"
    )
    public func wait(until predicate: () -> Bool, timeout: Duration) throws -> Bool {
        try checkTimeout(timeout)
        return try wait(until: predicate, deadline: .after(timeout))
    }

    private func wait(until predicate: () -> Bool, deadline: Deadline) throws -> Bool {
        guard lock._isOwned() else { throw ThreadingError.notOwner }
        while !predicate() {
            if deadline.hasPassed { return false }
            _ = try wait(deadline: deadline)
        }
        return true
    }

    private func wait(deadline: Deadline) throws -> Bool {
        guard lock._isOwned() else { throw ThreadingError.notOwner }
        var saved = 0
        var releaseError: (any Error)?
        var passOn: [Waiter] = []
        let trace = DiagnosticsHooks.isActive ? DiagnosticsHooks.waitBegan(.condition, object: self) : nil
        // No spin: a notified waiter next needs the lock, which its notifier still holds.
        let notified = blockAsWaiter(deadline: deadline) { waiter in
            // Listed before the lock is released, so a notify made as soon as the lock is
            // free already finds this waiter.
            _ = state.withLock { $0.wait(waiter) }
            do {
                saved = try lock._releaseSave()
                return .listed
            } catch {
                // Someone else released the lock under us (only a `Lock` allows that):
                // do not wait; a notification that already chose us goes to the next waiter.
                releaseError = error
                passOn = state.withLock { state in
                    state.withdraw(id: waiter.id) == nil ? state.notify(1) : []
                }
                return .proceed
            }
        } withdraw: { id in
            state.withLock { $0.withdraw(id: id) } != nil
        }
        // Ended before taking the lock back: that wait shows as a lock wait of its own.
        DiagnosticsHooks.waitEnded(trace, satisfied: notified)
        for waiter in passOn { waiter.resume() }
        if let releaseError { throw releaseError }
        lock._acquireRestore(saved)
        return notified
    }

    // MARK: Notifying

    /// Wakes the `n` threads that have waited longest (fewer if fewer wait); `0` does
    /// nothing. They return from `wait` once they get the lock back, after the caller
    /// releases it. Throws `.invalidArgument` for a negative `n`, `.notOwner` when the
    /// calling thread does not hold the lock.
    public func notify(_ n: Int = 1) throws {
        guard n >= 0 else {
            throw ThreadingError.invalidArgument("notify(_:): n must be non-negative, got \(n)")
        }
        guard lock._isOwned() else { throw ThreadingError.notOwner }
        if n == 0 { return }
        let woken = state.withLock { $0.notify(n) }
        if DiagnosticsHooks.isActive, !woken.isEmpty { DiagnosticsHooks.signaled(.condition, object: self) }
        for waiter in woken { waiter.resume() }
    }

    /// Wakes every waiting thread. Throws `.notOwner` when the calling thread does not
    /// hold the lock.
    public func notifyAll() throws {
        guard lock._isOwned() else { throw ThreadingError.notOwner }
        let woken = state.withLock { $0.notifyAll() }
        if DiagnosticsHooks.isActive, !woken.isEmpty { DiagnosticsHooks.signaled(.condition, object: self) }
        for waiter in woken { waiter.resume() }
    }

    /// How many threads wait to be notified: a snapshot.
    var waiterCount: Int { state.withLock { $0.waiterCount } }
}
