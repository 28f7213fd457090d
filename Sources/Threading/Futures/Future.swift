import CThreadingShims
import Synchronization

/// The eventual outcome of some work, Python's `concurrent.futures.Future`.
///
/// An executor makes a future when work is submitted and hands it back; the work's
/// value, or the error it threw, arrives in it once the work has run. A future is in one
/// of four phases: *pending* (queued), *running*, *finished* (with a value or an error)
/// or *cancelled* (by `cancel()` before it ran). Finished and cancelled are final, and
/// together make `isDone`.
///
/// | form | waits for | ends with |
/// |---|---|---|
/// | `result()` | the end | the value; rethrows the work's error; `CancellationError` |
/// | `result(timeout:)` | the end or the timeout | as `result()`, or `TimeoutError` |
/// | `exception()` | the end | `nil` for a value, the error, `CancellationError()` |
/// | `await value` | the end, holding no thread | as `result()`; `CancellationError` also when the awaiting task is cancelled |
/// | `isDone`, `isRunning`, `isCancelled` | — | a snapshot |
///
/// A work item that threw has *finished normally*: its error is its outcome, not a
/// failure of the future. Cancelling the task that awaits `value` stops that wait only;
/// the future and its work go on.
///
/// Happens-before: everything the work did before its outcome was set → every `result()`,
/// `exception()`, `value` and done callback that sees that outcome.
public final class Future<Value: Sendable>: @unchecked Sendable, Hashable {
    // Unchecked for `_state`, read and written only while `lock` is held (`withState`).
    // The state sits beside a `Mutex<Void>` rather than inside a `Mutex<FutureState>`: a
    // generic class's deinit is never specialised, and destroying a
    // `Mutex<FutureState<Value>>` there looked up two generic metadata records per future
    // (`swift_getGenericMetadata`), most of the 130-250 ns each future took to free, a
    // third to a half of W1's wall time. For the same reason the state's layout does not
    // depend on `Value` (see `FutureValueSlot`).
    @usableFromInline let lock = Mutex<Void>(())
    @usableFromInline @exclusivity(unchecked) var _state: FutureState<Value>

    deinit {
        // Nobody else holds the future, so no lock. The slot does not destroy its value.
        // Not a method of the state: that would take `FutureState<Value>`'s metadata,
        // the look-up this layout avoids.
        if case .succeeded = _state.phase { _state.value.destroy(as: Value.self) }
    }

    /// Runs `body` on the state under the lock (see `withHandoff` for ThreadSanitizer).
    @inlinable @inline(__always)
    func withState<Result>(_ body: (inout FutureState<Value>) throws -> sending Result) rethrows
        -> sending Result
    {
        try lock.withHandoff(self) { _ in try body(&self._state) }
    }

    /// A pending future, for executor authors: the executor calls
    /// `setRunningOrNotifyCancel()` when it starts the work and `setResult` or `setError`
    /// when it ends.
    public init() {
        _state = FutureState()
    }

    /// A pending future whose `cancel()` first asks `cancelGate` whether the work has
    /// started elsewhere (a worker process): for executors that hand work on before it runs.
    package init(cancelGate: any FutureCancelGate) {
        var initial = FutureState<Value>()
        initial.cancelGate = cancelGate
        _state = initial
    }

    /// A pending future that carries the work a pool will run (`runQueuedWork()`).
    @inlinable
    init(work: @escaping @Sendable () throws -> Value) {
        _state = FutureState(work: work)
    }

    /// Futures are equal only to themselves (identity), as in Python.
    public static func == (lhs: Future, rhs: Future) -> Bool { lhs === rhs }
    /// Hashes the identity, so futures can key sets and dictionaries.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    // MARK: Observing

    /// Whether the future was cancelled: a snapshot.
    public var isCancelled: Bool { withState { $0.isCancelled } }

    /// Whether the work is running now: a snapshot.
    public var isRunning: Bool { withState { $0.isRunning } }

    /// Whether the future has finished or was cancelled: a snapshot (once `true`, it stays).
    public var isDone: Bool { withState { $0.isDone } }

    @inlinable
    var outcome: FutureOutcome<Value>? { withState { $0.outcome } }

    /// Threads and tasks blocked waiting for the end: a snapshot, for tests.
    var waiterCount: Int { withState { $0.waiterCount } }

    // MARK: Waiting

    /// Blocks until the future is done; returns the work's value.
    ///
    /// Ends when the work finishes (its value is returned, its error rethrown) or the
    /// future is cancelled (`CancellationError`).
    @available(*, noasync, message: "use `await value`, which does not block a thread")
    @inlinable
    public func result() throws -> Value {
        if let outcome { return try outcome.get() }
        return try resultAfterWaiting()
    }

    @usableFromInline
    func resultAfterWaiting() throws -> Value {
        _ = blockingWait(deadline: .never)
        return try finalOutcome().get()
    }

    /// Blocks at most `timeout` for the future to be done; as `result()`, and throws
    /// `TimeoutError` when the time runs out first (the work goes on). Throws
    /// `.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await value`, which does not block a thread"
    )
    public func result(timeout: Duration) throws -> Value {
        try checkTimeout(timeout)
        if let outcome { return try outcome.get() }
        guard blockingWait(deadline: .after(timeout)) else { throw TimeoutError() }
        return try finalOutcome().get()
    }

    /// `result()` bounded by a deadline fixed earlier (`map`, `asCompleted`); a deadline
    /// already passed is a zero timeout. Inlinable like `result()`, so `map` collecting
    /// finished futures pays no generic metadata look-ups (a third of W1's map time).
    @inlinable
    package func result(until deadline: Deadline) throws -> Value {
        if let outcome { return try outcome.get() }
        return try resultAfterWaiting(until: deadline)
    }

    @usableFromInline
    func resultAfterWaiting(until deadline: Deadline) throws -> Value {
        guard blockingWait(deadline: deadline) else { throw TimeoutError() }
        return try finalOutcome().get()
    }

    /// Blocks until the future is done; returns the error the work threw, `nil` when it
    /// returned a value, or a `CancellationError` when the future was cancelled.
    @available(*, noasync, message: "use `await value`, which does not block a thread")
    public func exception() -> (any Error)? {
        if let outcome { return outcome.error }
        _ = blockingWait(deadline: .never)
        return outcome?.error
    }

    /// As `exception()`, waiting at most `timeout`; throws `TimeoutError` when the time
    /// runs out first and `.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await value`, which does not block a thread"
    )
    public func exception(timeout: Duration) throws -> (any Error)? {
        try checkTimeout(timeout)
        if let outcome { return outcome.error }
        guard blockingWait(deadline: .after(timeout)) else { throw TimeoutError() }
        return try finalOutcome().error
    }

    /// Suspends the calling task until the future is done, holding no thread; returns the
    /// value or rethrows the work's error. Throws `CancellationError` when the future was
    /// cancelled, and also when the awaiting task is cancelled — which does not cancel the
    /// future.
    public var value: Value {
        get async throws {
            if let outcome { return try outcome.get() }
            try await suspendAsWaiter { waiter in
                withState { state in
                    if state.isDone { return .proceed }
                    return Task.isCancelled ? .cancelled : state.wait(waiter)
                }
            } withdraw: { id in
                self.withState { $0.withdraw(id: id) }
            }
            return try finalOutcome().get()
        }
    }

    /// Blocks the calling thread until done or `deadline`; `true` when done. A brief spin
    /// first: a tiny task's result usually arrives within microseconds.
    private func blockingWait(deadline: Deadline) -> Bool {
        if deadline.instant == nil || !deadline.hasPassed {
            // A pool's tiny task usually ends within microseconds: look a few times, with
            // pauses between so the worker finishing it is not slowed by the lock.
            for _ in 0..<(ThreadParker.Spin.idleWorker.turns / 32) {
                for _ in 0..<32 { cthreading_cpu_relax() }
                if withState({ $0.isDone }) { return true }
            }
        }
        let trace = DiagnosticsHooks.isActive ? DiagnosticsHooks.waitBegan(.futureResult, object: self) : nil
        let done = blockAsWaiter(deadline: deadline) { waiter in
            withState { $0.wait(waiter) }
        } withdraw: { id in
            withState { $0.withdraw(id: id) } != nil
        }
        DiagnosticsHooks.waitEnded(trace, satisfied: done)
        return done
    }

    /// The outcome after a wait that ended in a wake-up; a wake-up only comes from a final
    /// phase, so this throws only if that invariant broke.
    private func finalOutcome() throws -> FutureOutcome<Value> {
        guard let outcome else { throw ThreadingError.invalidState("future woken before it was done") }
        return outcome
    }

    // MARK: Cancelling and callbacks

    /// Cancels the future if its work has not started; returns `true` when the future is
    /// (now or already) cancelled, `false` when it is running or finished. Wakes every
    /// waiter (they throw `CancellationError`) and runs the done callbacks.
    @discardableResult
    public func cancel() -> Bool {
        switch withState({ $0.cancel() }) {
        case .cancelled(let listeners):
            deliver(listeners)
            return true
        case .alreadyCancelled: return true
        case .refused: return false
        }
    }

    /// Calls `callback` with this future once it is done (finished or cancelled), on the
    /// thread that ends it; at once, on the calling thread, when it is already done.
    /// Callbacks run in the order added, outside the future's lock, so one may call back
    /// into the future (`result()`, `addDoneCallback`) freely.
    public func addDoneCallback(_ callback: @escaping @Sendable (Future<Value>) -> Void) {
        if !withState({ $0.addCallback(id: 0, callback) }) { callback(self) }
    }

    /// Adds a removable callback for `wait` and `asCompleted`; `nil` (and nothing
    /// registered) when the future is already done.
    func addObserver(_ callback: @escaping @Sendable (Future<Value>) -> Void) -> UInt64? {
        let id = Waiter.nextID()
        return withState { $0.addCallback(id: id, callback) } ? id : nil
    }

    /// Withdraws an observer that has not been called.
    func removeObserver(id: UInt64) {
        withState { $0.removeCallback(id: id) }
    }

    // MARK: The executor's side

    /// Marks the work as started; returns `false` when the future was cancelled (the
    /// executor must then not run the work). Throws `.invalidState` when it is already
    /// running or finished.
    public func setRunningOrNotifyCancel() throws -> Bool {
        switch withState({ $0.setRunning() }) {
        case .run: return true
        case .cancelled: return false
        case .invalid: throw ThreadingError.invalidState("future already running or finished")
        }
    }

    /// Finishes the future with `value`; wakes every waiter and runs the done callbacks.
    /// Throws `.invalidState` when it is already finished or cancelled.
    public func setResult(_ value: Value) throws {
        try complete(.success(value))
    }

    /// Finishes the future with `error`, which `result()` rethrows; wakes every waiter and
    /// runs the done callbacks. Throws `.invalidState` when it is already finished or
    /// cancelled.
    public func setError(_ error: any Error) throws {
        try complete(.failure(error))
    }

    @usableFromInline
    func complete(_ outcome: FutureOutcome<Value>) throws {
        switch withState({ $0.complete(outcome) }) {
        case .completed(let listeners):
            deliver(listeners)
        case .invalid:
            throw ThreadingError.invalidState("future already finished or cancelled")
        }
    }

    /// Runs the work the future carries, as a pool worker does: takes it (the future is
    /// then running; a cancelled future has none to take), runs it, and records its value
    /// or error. Inlinable, so a pool's client specialises it for `Value`.
    @inlinable
    func runQueuedWork() {
        guard let work = withState({ $0.takeWork() }) else { return }
        let traced = DiagnosticsHooks.isActive
        if traced { DiagnosticsHooks.futureStarted(self) }
        let outcome: FutureOutcome<Value>
        do { outcome = .success(try work()) } catch { outcome = .failure(error) }
        if traced {
            var failed = false
            if case .failure = outcome { failed = true }
            DiagnosticsHooks.futureFinished(self, failed: failed)
        }
        if withState({ $0.completeQuietly(outcome) }) { return }
        // Someone listens. Only this worker moves a running future on, so completing
        // cannot be refused.
        try? complete(outcome)
    }

    /// What a pool asks of a queued future, through `PoolItem`.
    @inlinable
    func handle(_ command: PoolCommand) {
        switch command {
        case .run: runQueuedWork()
        case .cancel: cancel()
        // A future cancelled meanwhile keeps its cancellation.
        case .fail(let error): try? complete(.failure(error))
        }
    }

    private func deliver(_ listeners: FutureListeners<Value>?) {
        guard let listeners else { return }
        // Moved out of the state under the lock: only this thread touches it now.
        while let waiter = listeners.waiters.popFirst() { waiter.resume() }
        for entry in listeners.callbacks { entry.callback(self) }
    }
}
