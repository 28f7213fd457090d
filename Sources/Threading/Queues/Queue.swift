/// A first-in, first-out queue for threads and tasks, Python's `queue.Queue`.
///
/// Producers `put` items and consumers `get` them, each in the order they were put. With a
/// positive `maxsize` the queue is bounded and `put` waits for room; with `maxsize` ≤ 0 it
/// is unbounded and `put` never waits.
///
/// | operation | blocking | `timeout:` | non-blocking | `async` |
/// |---|---|---|---|---|
/// | put | `put(_:)` waits for room | `put(_:timeout:)` → `QueueError.full` | `putNowait(_:)` → `.full` | `await put(_:)` |
/// | get | `get()` waits for an item | `get(timeout:)` → `QueueError.empty` | `getNowait()` → `.empty` | `await get()` |
/// | join | `join()` waits until every item is done | — | — | `await join()` |
///
/// Every item put is got exactly once, under any number of producers and consumers, OS
/// threads and Swift tasks alike: a thread's `put` wakes a task's `get` and the other way
/// round. Each put wakes one waiting getter and each get one waiting putter.
///
/// **Shutdown** (Python 3.13): after `shutdown()` every `put` throws `QueueError.shutDown`
/// and `get` keeps returning the items left, then throws `.shutDown`; after
/// `shutdown(immediate: true)` the items left are dropped (and counted as done, so `join`
/// returns) and `get` throws `.shutDown` at once. Either wakes every blocked putter and
/// getter.
///
/// **Iteration**: `for try await item in queue` gets items until the queue is shut down
/// and drained (or the task is cancelled); `for item in queue.items` does the same,
/// blocking the thread. Neither calls `taskDone()`.
///
/// **Ending a consumer**: let the producer call `shutdown()` when it is done, and let the
/// consumer iterate:
///
/// ```swift
/// let producer = OSThread {
///     defer { queue.shutdown() }       // however the producer leaves
///     for item in work { try queue.put(item) }
/// }
/// let consumer = OSThread {
///     for item in queue.items { handle(item) }   // ends once shut down and drained
/// }
/// ```
///
/// Do not end it with a flag and an empty check, as in
/// `while !event.isSet || !queue.isEmpty { try queue.get() }`: the consumer can pass the
/// check while the flag is clear, then the producer sees the flag and leaves without
/// another put, and `get()` waits forever (a race, not a rare one). A timed get only
/// bounds that wait.
///
/// A call that fails (timeout, `full`/`empty`, shutdown, cancellation) leaves the queue
/// unchanged: the item is not put, or no item is taken.
///
/// **Cancellation and fairness** (the promise of every async twin of the package's
/// queues, `Event` and semaphores): each call checks `Task.isCancelled` first, even when
/// an item (or room, a permit, a set flag) is ready, and throws `CancellationError`
/// without taking anything. A call that finds what it needs returns without suspending;
/// so that a loop which always finds items ready still gives its thread up, every 64th
/// async call on a thread ends with `await Task.yield()` (after the item is taken: the
/// yield cannot lose it). A consumer loop thus sees its cancellation at its next call, and
/// the code that cancels it gets a chance to run within 64 items even on a one-thread
/// executor.
///
/// `count`, `isEmpty` and `isFull` are snapshots: another thread may change the queue
/// before the caller looks at the answer.
///
/// **Cost**: a bounded queue (`maxsize` up to 65,536) keeps its items in a lock-free ring
/// of `maxsize` slots, allocated when the queue is made: a `put` or `get` that need not
/// wait takes no lock, and makes a system call only to wake a thread that sleeps. An
/// unbounded queue (or a larger bound) keeps them in a growable buffer under one lock.
///
/// Happens-before: everything a producer did before `put(x)` → everything the consumer
/// does after the `get` that returns `x`; every `taskDone()` → the `join` it lets return.
public final class Queue<Element: Sendable>: Sendable {
    @usableFromInline let storage: FIFOStorage<Element>

    /// A queue that holds at most `maxsize` items; `maxsize` ≤ 0 (the default) means no
    /// limit.
    public init(maxsize: Int = 0) {
        storage = FIFOStorage(maxsize: maxsize)
    }

    /// The bound given at creation; ≤ 0 means unbounded.
    public var maxsize: Int { storage.maxsize }
    /// How many items the queue holds now (Python's `qsize()`): a snapshot.
    public var count: Int { storage.count }
    /// Whether the queue holds no item now: a snapshot.
    public var isEmpty: Bool { storage.isEmpty }
    /// Whether the queue is bounded and holds `maxsize` items now: a snapshot.
    public var isFull: Bool { storage.isFull }
    /// Whether `shutdown(immediate:)` has been called (Python's `is_shutdown`).
    public var isShutDown: Bool { storage.isShutDown }

    /// Puts `item` at the back, blocking the thread while the queue is full.
    ///
    /// Ends when there is room (the item is put, and one waiting getter is woken) or when
    /// the queue is shut down before or while waiting (throws `QueueError.shutDown`; the
    /// item is not put).
    @available(*, noasync, message: "use `await put(_:)`, which does not block a thread")
    @inlinable
    public func put(_ item: Element) throws {
        if try storage.tryPut(item) { return }
        try storage.putWaiting(item)
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
        try checkTimeout(timeout)
        try storage.put(item, deadline: .after(timeout))
    }

    /// Puts `item` if there is room now; never waits. Throws `QueueError.full` or
    /// `QueueError.shutDown` (checked first, as in Python).
    @inlinable
    public func putNowait(_ item: Element) throws {
        if try !storage.tryPut(item) { throw QueueError.full }
    }

    /// Puts `item`, suspending the task (holding no thread) while the queue is full.
    ///
    /// Ends when there is room, throws `QueueError.shutDown` when the queue is shut down,
    /// or `CancellationError` when the task is cancelled before the item is put (a
    /// cancelled task never puts; a wake-up it received passes to the next putter).
    ///
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `Queue`).
    public func put(_ item: Element) async throws {
        try await storage.put(item)
        await FairnessYield.yieldIfDue()
    }

    /// Removes and returns the item at the front, blocking while the queue is empty.
    ///
    /// Ends with an item (waking one waiting putter), or throws `QueueError.shutDown` once
    /// the queue is shut down and has no item left.
    @available(*, noasync, message: "use `await get()`, which does not block a thread")
    @inlinable
    public func get() throws -> Element {
        if let item = try storage.tryGet() { return item }
        return try storage.getWaiting()
    }

    /// Removes and returns the item at the front, blocking at most `timeout`.
    ///
    /// Throws `QueueError.empty` when the time runs out with no item,
    /// `QueueError.shutDown` once the queue is shut down and drained, and
    /// `ThreadingError.invalidArgument` for a negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await get()`, which does not block a thread"
    )
    public func get(timeout: Duration) throws -> Element {
        try checkTimeout(timeout)
        return try storage.get(deadline: .after(timeout))
    }

    /// Removes and returns the item at the front if there is one now; never waits.
    /// Throws `QueueError.empty`, or `QueueError.shutDown` when shut down and drained.
    @inlinable
    public func getNowait() throws -> Element {
        guard let item = try storage.tryGet() else { throw QueueError.empty }
        return item
    }

    /// Removes and returns the item at the front, suspending the task (holding no
    /// thread) while the queue is empty.
    ///
    /// Throws `QueueError.shutDown` once the queue is shut down and drained, or
    /// `CancellationError` when the task is cancelled first (a cancelled task never takes
    /// an item; one that a put had woken passes the wake-up to the next getter).
    ///
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `Queue`).
    public func get() async throws -> Element {
        let item = try await storage.get()
        await FairnessYield.yieldIfDue()
        return item
    }

    /// Marks one item got earlier as processed. When every item put has been marked,
    /// every `join` returns. Throws `QueueError.tooManyTaskDone` when called more times
    /// than items were put (nothing changes then).
    public func taskDone() throws {
        try storage.taskDone()
    }

    /// Blocks until every item ever put has been marked with `taskDone()` (or dropped by
    /// an immediate shutdown); returns at once if none is unfinished. Not ended by a
    /// normal shutdown: the items left still need getting and marking.
    @available(*, noasync, message: "use `await join()`, which does not block a thread")
    public func join() {
        storage.join()
    }

    /// Suspends the task until every item put has been marked done; throws
    /// `CancellationError` if the task is cancelled first.
    public func join() async throws {
        try await storage.join()
    }

    /// Shuts the queue down: later puts throw `QueueError.shutDown`, and every blocked
    /// putter and getter wakes (putters throw, getters take what is left or throw).
    ///
    /// With `immediate: true` the items left are dropped and counted as done, so `join`
    /// returns once the items already got are marked, and `get` throws at once. Calling
    /// it again is allowed (e.g. a normal shutdown followed by an immediate one).
    public func shutdown(immediate: Bool = false) {
        storage.shutdown(immediate: immediate)
    }
}
