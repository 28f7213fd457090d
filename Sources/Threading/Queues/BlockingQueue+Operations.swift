// The operation table of `BlockingQueue`, written once for the three queues. Each forwards
// to `_BlockingQueueStorage`; "the next item" is the queue's own order (first put, last
// put, or smallest).

extension BlockingQueue {
    /// The storage, copied out: for the calls that wait or suspend anyway. The fast paths
    /// (`put`, `get`, `putNowait`, `getNowait`) borrow it inside `_withStorage` instead.
    var storage: _BlockingQueueStorage<Element> { _withStorage { $0 } }

    /// The bound given at creation; ≤ 0 means unbounded.
    public var maxsize: Int { storage.backend.maxsize }
    /// How many items the queue holds now (Python's `qsize()`): a snapshot.
    public var count: Int { storage.backend.count }
    /// Whether the queue holds no item now: a snapshot.
    public var isEmpty: Bool { storage.backend.isEmpty }
    /// Whether the queue is bounded and holds `maxsize` items now: a snapshot.
    public var isFull: Bool { storage.backend.isFull }
    /// Whether `shutdown(immediate:)` has been called (Python's `is_shutdown`).
    public var isShutDown: Bool { storage.backend.isShutDown }

    /// Puts `item`, blocking the thread while the queue is full.
    ///
    /// Ends when there is room (the item is put, and one waiting getter is woken) or when
    /// the queue is shut down before or while waiting (throws `QueueError.shutDown`; the
    /// item is not put).
    @available(*, noasync, message: "use `await put(_:)`, which does not block a thread")
    @inlinable
    public func put(_ item: Element) throws {
        try _withStorage { storage throws(QueueError) in try storage.put(item) }
    }

    /// Puts `item`, blocking at most `timeout` while the queue is full.
    ///
    /// Throws `QueueError.full` when the time runs out with no room,
    /// `QueueError.shutDown` when the queue is or becomes shut down, and
    /// `ThreadingError.invalidArgument` for a negative timeout. On any throw the item is
    /// not put.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await put(_:)`, which does not block a thread"
    )
    public func put(_ item: Element, timeout: Duration) throws {
        try storage.put(item, timeout: timeout, #function)
    }

    /// Puts `item` if there is room now; never waits. Throws `QueueError.full` or
    /// `QueueError.shutDown` (checked first, as in Python).
    @inlinable
    public func putNowait(_ item: Element) throws {
        try _withStorage { storage throws(QueueError) in try storage.putNowait(item) }
    }

    /// Puts `item`, suspending the task (holding no thread) while the queue is full.
    ///
    /// Ends when there is room, throws `QueueError.shutDown` when the queue is shut down,
    /// or `CancellationError` when the task is cancelled before the item is put (a
    /// cancelled task never puts; a wake-up it received passes to the next putter).
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `BlockingQueue`).
    public func put(_ item: Element) async throws {
        try await storage.putFairly(item)
    }

    /// Removes and returns the next item, blocking the thread while the queue is empty.
    ///
    /// Ends with an item (waking one waiting putter), or throws `QueueError.shutDown` once
    /// the queue is shut down and has no item left.
    @available(*, noasync, message: "use `await get()`, which does not block a thread")
    @inlinable
    public func get() throws -> Element {
        try _withStorage { storage throws(QueueError) in try storage.get() }
    }

    /// Removes and returns the next item, blocking at most `timeout`.
    ///
    /// Throws `QueueError.empty` when the time runs out with no item,
    /// `QueueError.shutDown` once the queue is shut down and drained, and
    /// `ThreadingError.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await get()`, which does not block a thread"
    )
    public func get(timeout: Duration) throws -> Element {
        try storage.get(timeout: timeout, #function)
    }

    /// Removes and returns the next item if there is one now; never waits. Throws
    /// `QueueError.empty`, or `QueueError.shutDown` when shut down and drained.
    @inlinable
    public func getNowait() throws -> Element {
        try _withStorage { storage throws(QueueError) in try storage.getNowait() }
    }

    /// Removes and returns the next item, suspending the task (holding no thread) while
    /// the queue is empty.
    ///
    /// Throws `QueueError.shutDown` once the queue is shut down and drained, or
    /// `CancellationError` when the task is cancelled first (a cancelled task never takes
    /// an item; one that a put had woken passes the wake-up to the next getter).
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `BlockingQueue`).
    public func get() async throws -> Element {
        try await storage.getFairly()
    }

    /// Marks one item got earlier as processed. When every item put has been marked,
    /// every `join` returns. Throws `QueueError.tooManyTaskDone` when called more times
    /// than items were put (nothing changes then).
    public func taskDone() throws {
        try storage.backend.taskDone()
    }

    /// Blocks until every item ever put has been marked with `taskDone()` (or dropped by
    /// an immediate shutdown); returns at once if none is unfinished. Woken by the
    /// `taskDone()` (or immediate shutdown) that ends the last one; not by a normal
    /// shutdown, since the items left still need getting and marking.
    @available(*, noasync, message: "use `await join()`, which does not block a thread")
    public func join() {
        storage.backend.join()
    }

    /// Suspends the task until every item put has been marked done; throws
    /// `CancellationError` if the task is cancelled first.
    public func join() async throws {
        try await storage.backend.join()
    }

    /// Shuts the queue down: later puts throw `QueueError.shutDown`, and every blocked
    /// putter and getter wakes (putters throw, getters take what is left or throw).
    ///
    /// With `immediate: true` the items left are dropped and counted as done, so `join`
    /// returns once the items already got are marked, and `get` throws at once. Calling
    /// it again is allowed (e.g. a normal shutdown followed by an immediate one).
    public func shutdown(immediate: Bool = false) {
        storage.backend.shutdown(immediate: immediate)
    }

    // MARK: Python's spellings

    // For code ported from `queue`: the obvious guess of a Python programmer compiles and
    // means the same. The Swift names are the primary ones; these only forward.

    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }
    /// Python's `full()`: the same snapshot as `isFull`. Never blocks.
    public func full() -> Bool { isFull }

    // MARK: Iteration

    /// Gets items until the queue is shut down and drained: `for try await item in queue`.
    public func makeAsyncIterator() -> QueueAsyncIterator<Element> {
        QueueAsyncIterator(source: storage.backend)
    }

    /// A blocking, consuming view of the items until shutdown: `for item in queue.items`.
    @available(*, noasync, message: "use `for try await item in queue`, which does not block a thread")
    public var items: QueueItems<Element> { QueueItems(source: storage.backend) }
}
