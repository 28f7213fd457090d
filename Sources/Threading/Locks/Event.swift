/// A flag threads and tasks can wait for, Python's `threading.Event`.
///
/// `set()` makes the flag true and wakes every waiter; `clear()` makes it false; `wait`
/// returns at once while the flag is true and otherwise blocks until `set()`.
///
/// | form | waits for | ends with |
/// |---|---|---|
/// | `wait()` | `set()` | returns |
/// | `wait(timeout:)` | `set()` or the timeout | `true` if set, `false` on timeout |
/// | `isSet` | — | the flag now |
/// | `await wait()` | `set()`, without holding a thread | returns, or `CancellationError` |
///
/// A waiter woken by `set()` returns `true` even if another thread cleared the flag
/// before it ran. Happens-before: everything before `set()` → every `wait` it ends.
public final class Event: Sendable {
    private let state = StateLock(EventState())

    /// A new event, its flag false.
    public init() {}

    /// The flag now: a snapshot.
    public var isSet: Bool { state.withLock { $0.isSet } }

    /// How many threads and tasks are listed as waiting: a snapshot, for tests that must
    /// know a waiter is parked before they fire the trigger.
    var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Makes the flag true and wakes every waiting thread and task.
    public func set() {
        if DiagnosticsHooks.isActive { DiagnosticsHooks.signaled(.event, object: self) }
        let waiters = state.withLock { $0.set() }
        for waiter in waiters { waiter.resume() }
    }

    /// Makes the flag false; later `wait` calls block until the next `set()`.
    public func clear() {
        state.withLock { $0.clear() }
    }

    /// Blocks until the flag is set.
    @available(*, noasync, message: "use `await wait()`, which does not block a thread")
    public func wait() {
        _ = blockingWait(deadline: .never)
    }

    /// Blocks until the flag is set or `timeout` passes; returns `true` if it was set
    /// (by the time of return, or by the `set()` that woke this waiter), `false` on
    /// timeout. Throws `.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await wait()`, which does not block a thread"
    )
    public func wait(timeout: Duration) throws -> Bool {
        try checkTimeout(timeout)
        return blockingWait(deadline: .after(timeout))
    }

    private func blockingWait(deadline: Deadline) -> Bool {
        // Traced only when it finds the flag clear: a set event is no wait.
        if DiagnosticsHooks.isActive, !isSet {
            return DiagnosticsHooks.traced(.event, object: self) { plainWait(deadline: deadline) }
        }
        return plainWait(deadline: deadline)
    }

    private func plainWait(deadline: Deadline) -> Bool {
        blockAsWaiter(deadline: deadline, spin: .brief) { waiter in
            state.withLock { $0.wait(waiter) }
        } withdraw: { id in
            state.withLock { $0.withdraw(id: id) } != nil
        }
    }

    /// Suspends the calling task until the flag is set, holding no thread. A cancelled
    /// task stops waiting and throws `CancellationError`.
    ///
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `BlockingQueue`).
    public func wait() async throws {
        try await suspendAsWaiter { waiter in
            state.withLock { state in Task.isCancelled ? .cancelled : state.wait(waiter) }
        } withdraw: { id in
            state.withLock { $0.withdraw(id: id) }
        }
        await FairnessYield.yieldIfDue()
    }
}
