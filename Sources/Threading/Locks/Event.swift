import CThreadingShims
import Synchronization

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
    // The state's flag, stored under the lock by `set()` and `clear()` (release) so a
    // waiter can watch it without the lock (acquire) for a moment before it lists itself.
    private let flag = Atomic<Bool>(false)
    // How many turns the next blocking wait watches the flag: doubled when a watch saw the
    // set, halved when it gave up (a hint only; racing updates are harmless).
    private let watchTurns = Atomic<Int>(Event.watchTurnsRange.lowerBound * 4)

    /// The watch adapts within these turns: up to `ThreadParker.Spin.idleWorker`'s (tens
    /// of microseconds) while sets come during the watch, down to `.brief`'s when they
    /// do not, so an event waited on for long costs almost no spinning.
    static let watchTurnsRange = ThreadParker.Spin.brief.turns...ThreadParker.Spin.idleWorker.turns

    /// A new event, its flag false.
    public init() {}

    /// The flag now: a snapshot.
    public var isSet: Bool { flag.load(ordering: .acquiring) }

    /// For tests: how many turns the next blocking wait watches the flag.
    var nextWatchTurns: Int { watchTurns.load(ordering: .relaxed) }

    /// How many threads and tasks are listed as waiting: a snapshot, for tests that must
    /// know a waiter is parked before they fire the trigger.
    var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Makes the flag true and wakes every waiting thread and task.
    public func set() {
        if DiagnosticsHooks.isActive { DiagnosticsHooks.signaled(.event, object: self) }
        let waiters = state.withLock { state in
            flag.store(true, ordering: .releasing)
            return state.set()
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Makes the flag false; later `wait` calls block until the next `set()`.
    public func clear() {
        state.withLock { state in
            flag.store(false, ordering: .releasing)
            state.clear()
        }
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
        // A set often comes within microseconds (a hand-off between two threads on two
        // cores): watch the flag a bounded while before listing a waiter and sleeping, so
        // neither side makes a system call. W8 figures in the Locks article.
        if watchForSet(deadline: deadline) { return true }
        // Traced only when it finds the flag clear: a set event is no wait.
        if DiagnosticsHooks.isActive, !isSet {
            return DiagnosticsHooks.traced(.event, object: self) { plainWait(deadline: deadline) }
        }
        return plainWait(deadline: deadline)
    }

    /// Re-reads the flag for `watchTurns` turns, unless the deadline has passed; `true`
    /// once it reads set. Adapts the next watch's length to this one's outcome.
    private func watchForSet(deadline: Deadline) -> Bool {
        if flag.load(ordering: .acquiring) { return true }
        if deadline.instant != nil && deadline.hasPassed { return false }
        let turns = watchTurns.load(ordering: .relaxed)
        for _ in 0..<turns {
            cthreading_cpu_relax()
            if flag.load(ordering: .relaxed), flag.load(ordering: .acquiring) {
                watchTurns.store(min(turns * 2, Self.watchTurnsRange.upperBound), ordering: .relaxed)
                return true
            }
        }
        watchTurns.store(max(turns / 2, Self.watchTurnsRange.lowerBound), ordering: .relaxed)
        return false
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
