/// What `Semaphore` and `BoundedSemaphore` share: a count of permits that `acquire` takes
/// and `release` gives back, with one table of operations, so code can be generic over
/// the two (`func limit(_ s: some CountingSemaphore)`). They differ only in whether
/// `release` may raise the count above the initial value.
///
/// | form | waits for | ends with |
/// |---|---|---|
/// | `acquire()` | a permit | returns holding one |
/// | `acquire(timeout:)` | a permit or the timeout | `true` holding one, `false` on timeout |
/// | `tryAcquire()` | — | `true` holding one, `false` if none was free |
/// | `await acquire()` | a permit, without holding a thread | returns holding one, or `CancellationError` |
///
/// Not fair, as in CPython: `release` frees its permits and wakes the threads and tasks
/// that have waited longest, which then take them — unless a newcomer took one first; a
/// waiter overtaken that way waits again ahead of the others. (Handing permits straight to
/// waiters would make every hand-off wait for a context switch: a lock convoy.) A wait that
/// times out or is cancelled just as a release woke it takes the permit if it is still
/// free (returns `true`, or returns normally), so no permit is ever lost or left behind a
/// sleeping waiter.
///
/// Happens-before: everything before a `release` → the `acquire` that takes its permit.
///
/// Only the package's two semaphores conform: the one requirement, `_permits`, is not API.
public protocol CountingSemaphore: AnyObject, Sendable {
    /// Not API: the semaphore's state (see `_SemaphorePermits`).
    var _permits: _SemaphorePermits { get }
}

/// Not API: public only because `CountingSemaphore` names it (the leading underscore says
/// so, as on `Lockable`). One lock around a `SemaphoreState` (a class, since the lock
/// cannot be copied); nothing outside the package can make one.
public final class _SemaphorePermits: Sendable {
    let state: StateLock<SemaphoreState>

    init(value: Int, bounded: Bool) {
        state = StateLock(SemaphoreState(value: value, bounded: bounded))
    }
}

extension CountingSemaphore {
    /// Free permits now: a snapshot.
    public var value: Int { _permits.state.value }

    /// How many threads and tasks wait for a permit: a snapshot, for tests.
    var waiterCount: Int { _permits.state.waiterCount }

    /// Blocks until a permit is free and takes it; woken by the `release` that frees one.
    @available(*, noasync, message: "use `await acquire()`, which does not block a thread")
    public func acquire() {
        _permits.state.acquire(semaphore: self)
    }

    /// Suspends the calling task until it gets a permit, holding no thread. A cancelled
    /// task stops waiting and throws `CancellationError` without taking a permit (one a
    /// release already handed it is kept: then it returns normally).
    ///
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `BlockingQueue`).
    public func acquire() async throws {
        try await _permits.state.acquireAsync()
        await FairnessYield.yieldIfDue()
    }

    /// Takes a permit if one is free; never blocks.
    public func tryAcquire() -> Bool {
        _permits.state.tryAcquire()
    }

    /// Blocks at most `timeout` for a permit; `true` when it got one, `false` when the time
    /// ran out (a result, not an error). Throws `.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await acquire()`, which does not block a thread"
    )
    public func acquire(timeout: Duration) throws -> Bool {
        try _permits.state.acquire(timeout: timeout, semaphore: self)
    }

    /// Gives back `n` permits, waking up to `n` waiters (oldest first) to take them. Throws
    /// `.invalidArgument` when `n < 1`; a `BoundedSemaphore` throws `.tooManyReleases`
    /// when the count would go above its initial value. After a throw nothing has changed.
    public func release(_ n: Int = 1) throws {
        try _permits.state.release(n, semaphore: self)
    }
}
