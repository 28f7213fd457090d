/// An unbounded first-in, first-out queue, Python's `queue.SimpleQueue`.
///
/// `put` never waits; only `get` does, while the queue is empty. There is no task
/// tracking (`taskDone`/`join`) and no shutdown, so `get()` cannot fail.
///
/// | operation | blocking | `timeout:` | non-blocking | `async` |
/// |---|---|---|---|---|
/// | put | `put(_:)` never waits | — | — | — |
/// | get | `get()` waits for an item | `get(timeout:)` → `QueueError.empty` | `getNowait()` → `.empty` | `await get()` |
///
/// Every item put is got exactly once, by threads and tasks alike; each put wakes one
/// waiting getter. `count` and `isEmpty` are snapshots.
///
/// Happens-before: everything a producer did before `put(x)` → everything the consumer
/// does after the `get` that returns `x`.
public final class SimpleQueue<Element: Sendable>: Sendable {
    // Never shut down, so no call can see `.shutDown`; unbounded, so none sees `.full`.
    @usableFromInline let storage = _BlockingQueueStorage<Element>(fifo: 0)

    /// An empty, unbounded queue.
    public init() {}

    /// How many items the queue holds now (Python's `qsize()`): a snapshot.
    public var count: Int { storage.backend.count }
    /// Whether the queue holds no item now: a snapshot.
    public var isEmpty: Bool { storage.backend.isEmpty }
    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }

    /// Puts `item` at the back and wakes one waiting getter; never waits, never fails.
    @inlinable
    public func put(_ item: Element) {
        // Unbounded and never shut down: the put cannot be refused.
        _ = try? storage.tryPut(item)
    }

    /// Removes and returns the item at the front, blocking the thread while the queue is
    /// empty; ends only with an item.
    @available(*, noasync, message: "use `await get()`, which does not block a thread")
    @inlinable
    public func get() -> Element {
        // With no deadline and no shutdown, `get` can only end with an item; the loop
        // satisfies the type checker without a trap.
        while true {
            if let item = try? storage.get() { return item }
        }
    }

    /// Removes and returns the item at the front, blocking at most `timeout`. Throws
    /// `QueueError.empty` when the time runs out, `ThreadingError.invalidArgument` for a
    /// negative timeout.
    @available(
        *, noasync,
        message: "blocks the thread up to `timeout`; use `await get()`, which does not block a thread"
    )
    public func get(timeout: Duration) throws -> Element {
        try storage.get(timeout: timeout, #function)
    }

    /// Removes and returns the item at the front if there is one now; never waits.
    /// Throws `QueueError.empty`.
    @inlinable
    public func getNowait() throws -> Element {
        try storage.getNowait()
    }

    /// Removes and returns the item at the front, suspending the task (holding no
    /// thread) while the queue is empty. Throws `CancellationError` when the task is
    /// cancelled first (a cancelled task never takes an item).
    ///
    /// Cancellation is checked on every call, even when it could proceed at once, and every
    /// 64th async call on a thread ends with a `Task.yield()` (see *Cancellation and
    /// fairness* on `BlockingQueue`).
    public func get() async throws -> Element {
        try await storage.getFairly()
    }
}
