/// How a future ended: a value, an error, or cancelled before it ran.
@usableFromInline
enum FutureOutcome<Value: Sendable>: Sendable {
    case success(Value)
    case failure(any Error)
    case cancelled

    /// The value, or the error (`CancellationError` for a cancelled future) thrown.
    @inlinable
    func get() throws -> Value {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw error
        case .cancelled: throw CancellationError()
        }
    }

    /// The error the outcome carries; `nil` for a value.
    @usableFromInline
    var error: (any Error)? {
        switch self {
        case .success: nil
        case .failure(let error): error
        case .cancelled: CancellationError()
        }
    }
}

/// Who waits for a future's end: blocked threads and tasks, and done callbacks.
///
/// Made only when someone first waits or adds a callback, so a future nobody waits on
/// never allocates it.
@usableFromInline
final class FutureListeners<Value: Sendable>: @unchecked Sendable {
    // Only touched under the owning future's lock (`Future.withState`), or after being
    // moved out of it by the thread that ended the future.
    var waiters = WaitList<Waiter>()
    // id 0 marks a user's `addDoneCallback`, which is never removed; observers from
    // `wait` and `asCompleted` carry fresh ids so they can withdraw.
    var callbacks: [(id: UInt64, callback: @Sendable (Future<Value>) -> Void)] = []

    init() {}

    var isEmpty: Bool { waiters.isEmpty && callbacks.isEmpty }
}

/// The state of a `Future`: where its work is, and who waits for it to end.
///
/// Transitions (Python's PENDING → RUNNING → FINISHED, or PENDING → CANCELLED):
/// ```
/// pending ──setRunning──▶ running ──complete──▶ finished (succeeded or failed)
///    │ └────────────────complete──────────────────▲
///    └──cancel──▶ cancelled
/// ```
/// `finished` and `cancelled` are final. Leaving `pending` or `running` for a final phase
/// hands back the listeners (waiters and callbacks), once, to be woken and called after
/// unlocking. A pool's future also carries its work until a worker takes it to run.
///
/// The hot path of a pool — take the work, record the outcome, read it — is inlinable,
/// so client code specialises it for the value type; anything involving listeners goes
/// through the out-of-line slow path.
///
/// No field's layout depends on `Value` (a succeeded value sits in a `FutureValueSlot`), so
/// `Future`'s deinit, never specialised, destroys the state without a generic metadata
/// look-up. The price: the owner destroys a succeeded value before the state goes away, and the
/// state is never copied while it holds a value.
@usableFromInline
struct FutureState<Value: Sendable>: Sendable {
    @usableFromInline
    enum CancelAction: Sendable {
        /// The future is now cancelled: wake and call these.
        case cancelled(FutureListeners<Value>?)
        /// It was cancelled before; nothing to do (`cancel()` still returns `true`).
        case alreadyCancelled
        /// Running or finished: it cannot be cancelled.
        case refused
    }

    @usableFromInline
    enum RunAction: Equatable, Sendable {
        /// Run the work.
        case run
        /// The future was cancelled: do not run it.
        case cancelled
        /// Already running or finished: an executor bug.
        case invalid
    }

    @usableFromInline
    enum CompleteAction: Sendable {
        /// The outcome is recorded: wake and call these.
        case completed(FutureListeners<Value>?)
        /// Already finished or cancelled.
        case invalid
    }

    @usableFromInline var phase: FuturePhase = .pending
    /// The value while the phase is `succeeded`; the owner destroys it (`Future.deinit`).
    @usableFromInline var value = FutureValueSlot()
    /// The work a pool will run, until a worker takes it (or the future is cancelled).
    @usableFromInline var work: (@Sendable () throws -> Value)?
    @usableFromInline var listeners: FutureListeners<Value>?
    /// Asked by `cancel()` while pending, for work that may have left the executor
    /// (see `FutureCancelGate`).
    var cancelGate: (any FutureCancelGate)?

    @inlinable
    init(work: (@Sendable () throws -> Value)? = nil) {
        self.work = work
    }

    /// The outcome once final; `nil` while pending or running.
    // A mutating getter: read through the future's `inout` access, a borrowing one made
    // the caller copy the whole state first (retaining every reference in it).
    @inlinable
    var outcome: FutureOutcome<Value>? {
        mutating get {
            switch phase {
            case .pending, .running: nil
            case .cancelled: .cancelled
            case .succeeded: .success(value.load(as: Value.self))
            case .failed(let error): .failure(error)
            }
        }
    }

    /// Ends the phase `pending` or `running` with `outcome`.
    @inlinable
    mutating func finish(_ outcome: FutureOutcome<Value>) {
        switch outcome {
        case .success(let result):
            value.store(result)
            phase = .succeeded
        case .failure(let error): phase = .failed(error)
        case .cancelled: phase = .cancelled
        }
        work = nil
    }

    @inlinable
    var isDone: Bool {
        switch phase {
        case .pending, .running: false
        case .cancelled, .succeeded, .failed: true
        }
    }

    var isRunning: Bool {
        if case .running = phase { return true }
        return false
    }

    var isCancelled: Bool {
        if case .cancelled = phase { return true }
        return false
    }

    var waiterCount: Int { listeners?.waiters.count ?? 0 }
    var callbackCount: Int { listeners?.callbacks.count ?? 0 }

    private mutating func takeListeners() -> FutureListeners<Value>? {
        defer { listeners = nil }
        return listeners
    }

    private mutating func listenersForAdding() -> FutureListeners<Value> {
        if let listeners { return listeners }
        let made = FutureListeners<Value>()
        listeners = made
        return made
    }

    /// `cancel()`: only a pending future can be cancelled, and only while its gate (if
    /// any) says its work has not started.
    mutating func cancel() -> CancelAction {
        switch phase {
        case .pending:
            if let cancelGate, !cancelGate.closeBeforeStart() { return .refused }
            phase = .cancelled
            work = nil
            return .cancelled(takeListeners())
        case .cancelled: return .alreadyCancelled
        case .running, .succeeded, .failed: return .refused
        }
    }

    /// `setRunningOrNotifyCancel()`: an executor is about to run the work.
    @inlinable
    mutating func setRunning() -> RunAction {
        switch phase {
        case .pending:
            phase = .running
            work = nil
            return .run
        case .cancelled: return .cancelled
        case .running, .succeeded, .failed: return .invalid
        }
    }

    /// A pool worker takes the work to run it: the future is running, unless it was
    /// cancelled (then `nil`).
    @inlinable
    mutating func takeWork() -> (@Sendable () throws -> Value)? {
        guard case .pending = phase, let taken = work.take() else { return nil }
        phase = .running
        return taken
    }

    /// The hot path of `complete`: records the outcome when nobody listens; `false` means
    /// the caller must take the slow path (listeners to wake, or an invalid phase).
    @inlinable
    mutating func completeQuietly(_ outcome: FutureOutcome<Value>) -> Bool {
        guard listeners == nil else { return false }
        switch phase {
        case .pending, .running:
            finish(outcome)
            return true
        case .cancelled, .succeeded, .failed: return false
        }
    }

    /// `setResult` / `setError`: allowed while pending (as in CPython) or running.
    mutating func complete(_ outcome: FutureOutcome<Value>) -> CompleteAction {
        switch phase {
        case .pending, .running:
            finish(outcome)
            return .completed(takeListeners())
        case .cancelled, .succeeded, .failed: return .invalid
        }
    }

    /// A thread or task arrives to wait for the end; listed unless already final.
    mutating func wait(_ waiter: Waiter) -> Registration {
        if isDone { return .proceed }
        listenersForAdding().waiters.append(waiter, id: waiter.id)
        return .listed
    }

    /// A waiter gives up (timeout or cancellation); `nil` when the end already took it.
    mutating func withdraw(id: UInt64) -> Waiter? {
        guard let listeners else { return nil }
        defer { if listeners.isEmpty { self.listeners = nil } }
        return listeners.waiters.remove(id: id)
    }

    /// A callback arrives; returns `false` when the future is already final, so the caller
    /// runs it at once (after unlocking).
    mutating func addCallback(id: UInt64, _ callback: @escaping @Sendable (Future<Value>) -> Void) -> Bool {
        if isDone { return false }
        listenersForAdding().callbacks.append((id, callback))
        return true
    }

    /// Removes the observer `id` if it has not been taken yet.
    mutating func removeCallback(id: UInt64) {
        guard let listeners else { return }
        if let index = listeners.callbacks.firstIndex(where: { $0.id == id }) {
            listeners.callbacks.remove(at: index)
        }
        if listeners.isEmpty { self.listeners = nil }
    }

    /// Nobody waits on a final future; an empty listener list is never kept.
    func checkInvariants() -> Bool {
        (!isDone || listeners == nil) && listeners?.isEmpty != true
    }
}
