/// The state of a bounded blocking queue: its items, the count of unfinished tasks, whether
/// it is shut down, and who waits for what.
///
/// Plain data (no locks, threads or clocks), generic over where the items live, so
/// `Queue`, `LifoQueue`, `PriorityQueue` and `SimpleQueue` share one tested state machine.
/// One mutating method per event returns what the caller must do after unlocking.
///
/// Phases: `open` → `shutDown` (by `shutdown(immediate:)`; there is no way back). A second
/// shutdown is allowed and may be immediate (it then drops what is left).
///
/// Three separate waiter lists, so each event wakes exactly who can proceed: an item put
/// wakes one getter, an item got wakes one putter, the unfinished count reaching zero
/// wakes every joiner, a shutdown wakes every getter and putter (and, if it leaves
/// nothing unfinished, every joiner). A woken waiter is removed from its list and retries
/// its operation; one that gives up after being chosen (a cancelled task) passes the
/// wake-up on with `abandonGet()` / `abandonPut()`, so no item or free slot is stranded.
@usableFromInline
struct QueueState<Buffer: QueueBuffer>: Sendable {
    @usableFromInline typealias Element = Buffer.Element
    typealias Phase = QueuePhase

    /// What a get that may not wait found.
    @usableFromInline
    enum GetAttempt: Sendable {
        case item(Element, WakeUp)
        case empty
        case shutDown
    }

    // Written only by this struct's methods (internal for the inlinable ones).
    @usableFromInline var buffer = Buffer()
    /// Zero or less: unbounded.
    @usableFromInline let maxsize: Int
    /// Items put and not yet marked done by `taskDone()` (Python's `unfinished_tasks`).
    @usableFromInline var unfinishedTasks = 0
    @usableFromInline var phase = QueuePhase.open
    @usableFromInline var waiters = QueueWaiters()

    init(maxsize: Int) {
        self.maxsize = maxsize
    }

    var getters: WaitList<Waiter> { waiters.getters }
    var putters: WaitList<Waiter> { waiters.putters }
    var joiners: WaitList<Waiter> { waiters.joiners }

    @inlinable var count: Int { buffer.count }
    @inlinable var isFull: Bool { maxsize > 0 && buffer.count >= maxsize }

    /// A put that may not wait: the fast path of every put.
    @inlinable
    mutating func tryPut(_ item: Element) -> QueuePutAttempt {
        if phase == .shutDown { return .shutDown }
        if isFull { return .full }
        buffer.insert(item)
        unfinishedTasks += 1
        return .enqueued(waiters.popGetter())
    }

    /// A get that may not wait: the fast path of every get.
    @inlinable
    mutating func tryGet() -> GetAttempt {
        if let item = buffer.remove() {
            return .item(item, waiters.popPutter())
        }
        return phase == .shutDown ? .shutDown : .empty
    }

    enum PutAction: Sendable {
        /// The item is in; resume `wake` (one getter), if any, after unlocking.
        case enqueued(wake: Waiter?)
        /// No room and no waiter was offered.
        case full
        /// No room; the waiter is listed among the putters.
        case listed
        /// The queue is shut down; the item was not put.
        case shutDown
    }

    /// A put arrives, with a waiter to list if it must wait (`nil` for a non-blocking try).
    mutating func put(_ item: Element, waiter: Waiter?) -> PutAction {
        switch tryPut(item) {
        case .enqueued(let wake): return .enqueued(wake: wake.waiter)
        case .shutDown: return .shutDown
        case .full:
            guard let waiter else { return .full }
            waiters.putters.append(waiter, id: waiter.id)
            return .listed
        }
    }

    enum GetAction: Sendable {
        /// An item, removed; resume `wake` (one putter), if any, after unlocking.
        case item(Element, wake: Waiter?)
        /// Nothing to get and no waiter was offered.
        case empty
        /// Nothing to get; the waiter is listed among the getters.
        case listed
        /// Shut down and drained: there will never be another item.
        case shutDown
    }

    /// A get arrives, with a waiter to list if it must wait (`nil` for a non-blocking try).
    mutating func get(waiter: Waiter?) -> GetAction {
        switch tryGet() {
        case .item(let item, let wake): return .item(item, wake: wake.waiter)
        case .shutDown: return .shutDown
        case .empty:
            guard let waiter else { return .empty }
            waiters.getters.append(waiter, id: waiter.id)
            return .listed
        }
    }

    /// A getter gives up without getting (a cancelled task). If it may have been chosen by
    /// a put, the item is still here: returns the next getter to wake in its place.
    mutating func abandonGet() -> Waiter? {
        buffer.count > 0 ? waiters.getters.popFirst() : nil
    }

    /// A putter gives up without putting (a cancelled task): returns the next putter to
    /// wake if there is room it may have been chosen for.
    mutating func abandonPut() -> Waiter? {
        isFull ? nil : waiters.putters.popFirst()
    }

    enum TaskDoneAction: Sendable {
        /// Counted; resume every waiter in `wake` (the joiners, when nothing is left).
        case done(wake: [Waiter])
        /// More `taskDone()` calls than items put; nothing changed.
        case tooMany
    }

    mutating func taskDone() -> TaskDoneAction {
        guard unfinishedTasks > 0 else { return .tooMany }
        unfinishedTasks -= 1
        return .done(wake: unfinishedTasks == 0 ? waiters.joiners.removeAll() : [])
    }

    /// A joiner arrives: it proceeds when nothing is unfinished, else it is listed.
    mutating func join(_ waiter: Waiter) -> Registration {
        if unfinishedTasks == 0 { return .proceed }
        waiters.joiners.append(waiter, id: waiter.id)
        return .listed
    }

    /// A waiter gives up (timeout or cancellation); `nil` means it was already chosen.
    mutating func withdrawGetter(id: UInt64) -> Waiter? { waiters.getters.remove(id: id) }
    mutating func withdrawPutter(id: UInt64) -> Waiter? { waiters.putters.remove(id: id) }
    mutating func withdrawJoiner(id: UInt64) -> Waiter? { waiters.joiners.remove(id: id) }

    struct ShutdownAction: Sendable {
        /// Every blocked getter and putter, and the joiners if nothing is left unfinished.
        var wake: [Waiter]
        /// The items an immediate shutdown dropped, to release after unlocking.
        var dropped: Buffer?
    }

    /// Shuts the queue down (again). Immediate: drops every item, counting each as done
    /// (CPython 3.13 calls `task_done()` for each), so `join` can return.
    mutating func shutdown(immediate: Bool) -> ShutdownAction {
        phase = .shutDown
        var wake = waiters.getters.removeAll()
        wake += waiters.putters.removeAll()
        var dropped: Buffer?
        if immediate {
            let old = buffer.takeAll()
            unfinishedTasks = Swift.max(0, unfinishedTasks - old.count)
            if unfinishedTasks == 0 { wake += waiters.joiners.removeAll() }
            dropped = old
        }
        return ShutdownAction(wake: wake, dropped: dropped)
    }

    func checkInvariants() -> Bool {
        unfinishedTasks >= 0
            && (maxsize > 0 || putters.isEmpty)
            && (maxsize <= 0 || buffer.count <= maxsize)
            && (phase == .open || (getters.isEmpty && putters.isEmpty))
            && (unfinishedTasks > 0 || joiners.isEmpty)
    }
}
