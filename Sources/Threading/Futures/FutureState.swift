/// How a future ended: a value, an error, or cancelled before it ran.
enum FutureOutcome<Value: Sendable>: Sendable {
    case success(Value)
    case failure(any Error)
    case cancelled

    /// The value, or the error (`CancellationError` for a cancelled future) thrown.
    func get() throws -> Value {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw error
        case .cancelled: throw CancellationError()
        }
    }

    /// The error the outcome carries; `nil` for a value.
    var error: (any Error)? {
        switch self {
        case .success: nil
        case .failure(let error): error
        case .cancelled: CancellationError()
        }
    }
}

/// The state of a `Future`: where its work is, and who waits for it to end.
///
/// Transitions (Python's PENDING → RUNNING → FINISHED, or PENDING → CANCELLED):
/// ```
/// pending ──setRunning──▶ running ──complete──▶ finished
///    │ └────────────────complete──────────────────▲
///    └──cancel──▶ cancelled
/// ```
/// `finished` and `cancelled` are final. Leaving `pending` or `running` for a final phase
/// hands back every listed waiter and callback, once, to be run after unlocking.
struct FutureState<Value: Sendable>: Sendable {
    typealias Callback = @Sendable (Future<Value>) -> Void

    enum Phase: Sendable {
        case pending
        case running
        case cancelled
        case finished(FutureOutcome<Value>)
    }

    /// Who to wake and what to call when the future reaches a final phase.
    struct Wakeups: Sendable {
        var waiters: WaitList<Waiter>
        var callbacks: [(id: UInt64, callback: Callback)]

        var isEmpty: Bool { waiters.isEmpty && callbacks.isEmpty }
    }

    enum CancelAction: Sendable {
        /// The future is now cancelled: wake and call these.
        case cancelled(Wakeups)
        /// It was cancelled before; nothing to do (`cancel()` still returns `true`).
        case alreadyCancelled
        /// Running or finished: it cannot be cancelled.
        case refused
    }

    enum RunAction: Equatable, Sendable {
        /// Run the work.
        case run
        /// The future was cancelled: do not run it.
        case cancelled
        /// Already running or finished: an executor bug.
        case invalid
    }

    enum CompleteAction: Sendable {
        /// The outcome is recorded: wake and call these.
        case completed(Wakeups)
        /// Already finished or cancelled.
        case invalid
    }

    private(set) var phase: Phase = .pending
    private var waiters = WaitList<Waiter>()
    // id 0 marks a user's `addDoneCallback`, which is never removed; observers from
    // `wait` and `asCompleted` carry fresh ids so they can withdraw.
    private var callbacks: [(id: UInt64, callback: Callback)] = []

    init() {}

    /// The outcome once final; `nil` while pending or running.
    var outcome: FutureOutcome<Value>? {
        switch phase {
        case .pending, .running: nil
        case .cancelled: .cancelled
        case .finished(let outcome): outcome
        }
    }

    var isDone: Bool {
        switch phase {
        case .pending, .running: false
        case .cancelled, .finished: true
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

    var waiterCount: Int { waiters.count }
    var callbackCount: Int { callbacks.count }

    private mutating func takeWakeups() -> Wakeups {
        let taken = Wakeups(waiters: waiters, callbacks: callbacks)
        waiters = WaitList()
        callbacks = []
        return taken
    }

    /// `cancel()`: only a pending future can be cancelled.
    mutating func cancel() -> CancelAction {
        switch phase {
        case .pending:
            phase = .cancelled
            return .cancelled(takeWakeups())
        case .cancelled: return .alreadyCancelled
        case .running, .finished: return .refused
        }
    }

    /// `setRunningOrNotifyCancel()`: an executor is about to run the work.
    mutating func setRunning() -> RunAction {
        switch phase {
        case .pending:
            phase = .running
            return .run
        case .cancelled: return .cancelled
        case .running, .finished: return .invalid
        }
    }

    /// `setResult` / `setError`: allowed while pending (as in CPython) or running.
    mutating func complete(_ outcome: FutureOutcome<Value>) -> CompleteAction {
        switch phase {
        case .pending, .running:
            phase = .finished(outcome)
            return .completed(takeWakeups())
        case .cancelled, .finished: return .invalid
        }
    }

    /// A thread or task arrives to wait for the end; listed unless already final.
    mutating func wait(_ waiter: Waiter) -> Registration {
        if isDone { return .proceed }
        waiters.append(waiter, id: waiter.id)
        return .listed
    }

    /// A waiter gives up (timeout or cancellation); `nil` when the end already took it.
    mutating func withdraw(id: UInt64) -> Waiter? {
        waiters.remove(id: id)
    }

    /// A callback arrives; returns `false` when the future is already final, so the caller
    /// runs it at once (after unlocking).
    mutating func addCallback(id: UInt64, _ callback: @escaping Callback) -> Bool {
        if isDone { return false }
        callbacks.append((id, callback))
        return true
    }

    /// Removes the observer `id` if it has not been taken yet.
    mutating func removeCallback(id: UInt64) {
        if let index = callbacks.firstIndex(where: { $0.id == id }) {
            callbacks.remove(at: index)
        }
    }

    /// Nobody waits on a final future.
    func checkInvariants() -> Bool {
        !isDone || (waiters.isEmpty && callbacks.isEmpty)
    }
}
