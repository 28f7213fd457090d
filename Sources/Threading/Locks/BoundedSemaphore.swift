/// A semaphore that refuses to go above its initial value, Python's
/// `threading.BoundedSemaphore`: releasing more permits than were taken is a bug, and
/// `release` throws `.tooManyReleases` for it (changing nothing).
///
/// Otherwise the same as `Semaphore`:
///
/// | form | waits for | ends with |
/// |---|---|---|
/// | `acquire()` | a permit | returns holding one |
/// | `acquire(timeout:)` | a permit or the timeout | `true` holding one, `false` on timeout |
/// | `tryAcquire()` | — | `true` holding one, `false` if none was free |
/// | `await acquire()` | a permit, without holding a thread | returns holding one, or `CancellationError` |
///
/// Not fair, as in CPython: `release` wakes the oldest waiters to take its permits, but a
/// newcomer may take one first (see `Semaphore`); a timed-out or cancelled wait never
/// loses a permit. Happens-before: everything before a `release` →
/// the `acquire` that takes its permit.
public final class BoundedSemaphore: Sendable, CustomStringConvertible {
    private let state: StateLock<SemaphoreState>

    /// The initial value, which the count never exceeds.
    public let initialValue: Int

    /// Makes a semaphore with `value` free permits. Throws `.invalidArgument` for a
    /// negative value.
    public init(_ value: Int = 1) throws {
        guard value >= 0 else {
            throw ThreadingError.invalidArgument("BoundedSemaphore: initial value must be >= 0, got \(value)")
        }
        state = StateLock(SemaphoreState(value: value, bounded: true))
        initialValue = value
    }

    /// Free permits now: a snapshot.
    public var value: Int { state.value }

    /// How many threads and tasks wait for a permit: a snapshot, for tests.
    var waiterCount: Int { state.waiterCount }

    public var description: String { "<BoundedSemaphore value=\(value)/\(initialValue)>" }

    /// Blocks until a permit is free and takes it.
    @available(*, noasync, message: "use `await acquire()`, which does not block a thread")
    public func acquire() {
        state.acquire(semaphore: self)
    }

    /// Suspends the calling task until it gets a permit, holding no thread. A cancelled
    /// task stops waiting and throws `CancellationError` without taking a permit (one a
    /// release already handed it is kept: then it returns normally).
    ///
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `Queue`).
    public func acquire() async throws {
        try await state.acquireAsync()
        await FairnessYield.yieldIfDue()
    }

    /// Takes a permit if one is free; never blocks.
    public func tryAcquire() -> Bool {
        state.tryAcquire()
    }

    /// Blocks at most `timeout` for a permit; `true` when it got one, `false` when the time
    /// ran out (a result, not an error). Throws `.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await acquire()`, which does not block a thread"
    )
    public func acquire(timeout: Duration) throws -> Bool {
        try state.acquire(timeout: timeout, semaphore: self)
    }

    /// Gives back `n` permits, waking up to `n` waiters (oldest first) to take them. Throws
    /// `.invalidArgument` when `n < 1`, and `.tooManyReleases` when the count would go
    /// above `initialValue`; after a throw nothing has changed.
    public func release(_ n: Int = 1) throws {
        try state.release(n, semaphore: self)
    }
}
