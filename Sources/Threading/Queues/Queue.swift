/// A first-in, first-out queue for threads and tasks, Python's `queue.Queue`.
///
/// Consumers `get` items in the order they were put. The operations, their timeouts and
/// errors, shutdown, iteration and the async twins are `BlockingQueue`'s, the same for
/// `LifoQueue` and `PriorityQueue`:
///
/// | operation | blocking | `timeout:` | non-blocking | `async` |
/// |---|---|---|---|---|
/// | put | `put(_:)` waits for room | `put(_:timeout:)` → `QueueError.full` | `putNowait(_:)` → `.full` | `await put(_:)` |
/// | get | `get()` waits for an item | `get(timeout:)` → `QueueError.empty` | `getNowait()` → `.empty` | `await get()` |
/// | join | `join()` waits until every item is done | — | — | `await join()` |
///
/// End a consumer with `shutdown()` and iteration (`for item in queue.items`), not with a
/// flag and an empty check: see *Ending a consumer* on `BlockingQueue`.
///
/// **Cost**: a bounded queue (`maxsize` up to 65,536) keeps its items in a lock-free ring
/// of `maxsize` slots, allocated when the queue is made: a `put` or `get` that need not
/// wait takes no lock, and makes a system call only to wake a thread that sleeps. An
/// unbounded queue (or a larger bound) keeps them in a growable buffer under one lock.
public final class Queue<Element: Sendable>: BlockingQueue {
    @usableFromInline let storage: _BlockingQueueStorage<Element>

    /// A queue that holds at most `maxsize` items; `maxsize` ≤ 0 (the default) means no
    /// limit.
    public init(maxsize: Int = 0) {
        storage = _BlockingQueueStorage(fifo: maxsize)
    }

    /// Not API: see `BlockingQueue`.
    @inlinable
    public func _withStorage<R, E: Error>(_ body: (_BlockingQueueStorage<Element>) throws(E) -> R) throws(E)
        -> R
    {
        try body(storage)
    }
}
