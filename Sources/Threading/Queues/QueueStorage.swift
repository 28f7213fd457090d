/// The implementation behind `LifoQueue`, `PriorityQueue`, `SimpleQueue` and an unbounded
/// (or very large) `Queue`: it holds a `QueueState` in one lock and does the waiting, for
/// threads (blocking, with a deadline) and for tasks (suspending, with cancellation). The
/// public classes are thin wrappers that pick the buffer and carry the documentation. A
/// bounded `Queue` uses `RingQueueStorage`, a lock-free ring with the same semantics,
/// because this one lock was its bottleneck with producers and consumers on both cores.
///
/// Decide under the lock, act after it: wake-ups are resumed, and dropped items released,
/// only after unlocking. The fast path of every call is one lock round trip with no
/// allocation; a waiter (and its parker) is made only when the call must wait, and a
/// put or get makes a wake-up call only when its list holds a waiter.
///
/// No spinning before a thread waits: on a 2-core machine, spinning in the parker before
/// sleeping made W2 several times slower (figures: the Queues article, "Performance"),
/// and a bounded retry loop before listing was no better, because the spinner takes the
/// core that the thread it waits for needs. An empty (or full) queue parks at once and
/// lets the other side run ahead, which batches the hand-offs. (The lock itself spins
/// briefly: its critical sections are a few instructions.)
///
/// A call that fails — a timeout, `full`/`empty`, a shutdown, a cancelled task — leaves
/// the queue as if it had not been made: the item is not put, no item is removed, the
/// unfinished count is unchanged, its waiter is withdrawn, and a wake-up it had already
/// been given is passed on (this is what CPython's `FailingQueue` test checks).
@usableFromInline
final class QueueStorage<Buffer: QueueBuffer>: Sendable {
    @usableFromInline typealias Element = Buffer.Element

    @usableFromInline let state: StateLock<QueueState<Buffer>>
    let maxsize: Int

    init(maxsize: Int) {
        self.maxsize = maxsize
        state = StateLock(QueueState(maxsize: maxsize))
    }

    // MARK: Snapshots

    var count: Int { state.withLock { $0.count } }
    var isEmpty: Bool { state.withLock { $0.count == 0 } }
    var isFull: Bool { state.withLock { $0.isFull } }
    var isShutDown: Bool { state.withLock { $0.phase == .shutDown } }
    var unfinishedTasks: Int { state.withLock { $0.unfinishedTasks } }

    /// For tests: how many threads and tasks wait to get, to put, to join.
    var waitingCounts: (getters: Int, putters: Int, joiners: Int) {
        state.withLock { ($0.getters.count, $0.putters.count, $0.joiners.count) }
    }

    // MARK: Put

    /// Puts `item` if there is room now (waking one getter); `false` when full. The fast
    /// path of every put, specialized in the caller.
    @inlinable
    func tryPut(_ item: Element) throws(QueueError) -> Bool {
        switch state.withLock({ $0.tryPut(item) }) {
        case .enqueued(let wake):
            if DiagnosticsHooks.isActive { DiagnosticsHooks.queuePut(self) }
            wake.resume()
            return true
        case .full: return false
        case .shutDown: throw .shutDown
        }
    }

    /// The slow path of the blocking `put(_:)`: waits for room without limit.
    @usableFromInline
    func putWaiting(_ item: Element) throws(QueueError) {
        try put(item, deadline: .never)
    }

    /// Puts `item`, waiting for room until `deadline`; `nil` means do not wait.
    func put(_ item: Element, deadline: Deadline?) throws(QueueError) {
        if try tryPut(item) { return }
        guard let deadline else { throw .full }
        // No room at once: the rest is a wait (a timeline's "waiting on a queue").
        let trace = DiagnosticsHooks.isActive ? DiagnosticsHooks.waitBegan(.queuePut, object: self) : nil
        var satisfied = false
        defer { DiagnosticsHooks.waitEnded(trace, satisfied: satisfied) }
        while true {
            var action = QueueState<Buffer>.PutAction.full
            let woken = blockAsWaiter(deadline: deadline) { waiter in
                action = state.withLock { $0.put(item, waiter: waiter) }
                if case .listed = action { return .listed }
                return .proceed
            } withdraw: { id in
                state.withLock { $0.withdrawPutter(id: id) } != nil
            }
            switch action {
            case .enqueued(let wake):
                satisfied = true
                if DiagnosticsHooks.isActive { DiagnosticsHooks.queuePut(self) }
                wake?.resume()
                return
            case .shutDown: throw .shutDown
            case .full: throw .full
            case .listed:
                // Woken: retry. Timed out and withdrawn: one last look, as Python does.
                if woken { continue }
                try put(item, deadline: nil)
                satisfied = true
                return
            }
        }
    }

    /// Puts `item`, suspending the task while the queue is full. A cancelled task never
    /// puts: it throws `CancellationError`, passing on any wake-up it was given.
    func put(_ item: Element) async throws {
        while true {
            var action = QueueState<Buffer>.PutAction.full
            try await suspendAsWaiter { waiter in
                let (registration, wake) = state.withLock { state -> (Registration, Waiter?) in
                    if Task.isCancelled { return (.cancelled, state.abandonPut()) }
                    action = state.put(item, waiter: waiter)
                    switch action {
                    case .enqueued(let wake): return (.proceed, wake)
                    case .listed: return (.listed, nil)
                    case .full, .shutDown: return (.proceed, nil)
                    }
                }
                wake?.resume()
                return registration
            } withdraw: { id in
                state.withLock { $0.withdrawPutter(id: id) }
            }
            switch action {
            case .enqueued: return
            case .shutDown: throw QueueError.shutDown
            case .full, .listed: continue  // woken by a get or a shutdown: retry
            }
        }
    }

    // MARK: Get

    /// Gets an item if there is one now (waking one putter); `nil` when empty. The fast
    /// path of every get, specialized in the caller.
    @inlinable
    func tryGet() throws(QueueError) -> Element? {
        switch state.withLock({ $0.tryGet() }) {
        case .item(let item, let wake):
            if DiagnosticsHooks.isActive { DiagnosticsHooks.queueGot(self) }
            wake.resume()
            return item
        case .empty: return nil
        case .shutDown: throw .shutDown
        }
    }

    /// The slow path of the blocking `get()`: waits for an item without limit.
    @usableFromInline
    func getWaiting() throws(QueueError) -> Element {
        try get(deadline: .never)
    }

    /// Gets an item, waiting for one until `deadline`; `nil` means do not wait.
    func get(deadline: Deadline?) throws(QueueError) -> Element {
        if let item = try tryGet() { return item }
        guard let deadline else { throw .empty }
        let trace = DiagnosticsHooks.isActive ? DiagnosticsHooks.waitBegan(.queueGet, object: self) : nil
        var satisfied = false
        defer { DiagnosticsHooks.waitEnded(trace, satisfied: satisfied) }
        while true {
            var action = QueueState<Buffer>.GetAction.empty
            let woken = blockAsWaiter(deadline: deadline) { waiter in
                action = state.withLock { $0.get(waiter: waiter) }
                if case .listed = action { return .listed }
                return .proceed
            } withdraw: { id in
                state.withLock { $0.withdrawGetter(id: id) } != nil
            }
            switch action {
            case .item(let item, let wake):
                satisfied = true
                if DiagnosticsHooks.isActive { DiagnosticsHooks.queueGot(self) }
                wake?.resume()
                return item
            case .shutDown: throw .shutDown
            case .empty: throw .empty
            case .listed:
                if woken { continue }
                let item = try get(deadline: nil)
                satisfied = true
                return item
            }
        }
    }

    /// Gets an item, suspending the task while the queue is empty. A cancelled task never
    /// takes an item: it throws `CancellationError`, passing on any wake-up it was given.
    func get() async throws -> Element {
        while true {
            var action = QueueState<Buffer>.GetAction.empty
            try await suspendAsWaiter { waiter in
                let (registration, wake) = state.withLock { state -> (Registration, Waiter?) in
                    if Task.isCancelled { return (.cancelled, state.abandonGet()) }
                    action = state.get(waiter: waiter)
                    switch action {
                    case .item(_, let wake): return (.proceed, wake)
                    case .listed: return (.listed, nil)
                    case .empty, .shutDown: return (.proceed, nil)
                    }
                }
                wake?.resume()
                return registration
            } withdraw: { id in
                state.withLock { $0.withdrawGetter(id: id) }
            }
            switch action {
            case .item(let item, _): return item
            case .shutDown: throw QueueError.shutDown
            case .empty, .listed: continue  // woken by a put or a shutdown: retry
            }
        }
    }

    // MARK: Tasks

    func taskDone() throws(QueueError) {
        switch state.withLock({ $0.taskDone() }) {
        case .tooMany: throw .tooManyTaskDone
        case .done(let wake): for waiter in wake { waiter.resume() }
        }
    }

    /// Blocks until the unfinished count reaches zero (at once if it is zero).
    func join() {
        _ = blockAsWaiter(deadline: .never) { waiter in
            state.withLock { $0.join(waiter) }
        } withdraw: { id in
            state.withLock { $0.withdrawJoiner(id: id) } != nil
        }
    }

    func join() async throws {
        try await suspendAsWaiter { waiter in
            state.withLock { state in Task.isCancelled ? .cancelled : state.join(waiter) }
        } withdraw: { id in
            state.withLock { $0.withdrawJoiner(id: id) }
        }
    }

    // MARK: Shutdown

    func shutdown(immediate: Bool) {
        var action = state.withLock { $0.shutdown(immediate: immediate) }
        for waiter in action.wake { waiter.resume() }
        // The dropped items' deinits run here, outside the lock.
        action.dropped = nil
    }
}
