/// A last-in, first-out queue (a stack) for threads and tasks, Python's `queue.LifoQueue`.
///
/// Consumers `get` the most recently put item first. The operations, their timeouts and
/// errors, shutdown, iteration and the async twins are `BlockingQueue`'s, the same as
/// `Queue`'s. The items are kept under one lock.
public final class LifoQueue<Element: Sendable>: BlockingQueue {
    @usableFromInline let storage: _BlockingQueueStorage<Element>

    /// A queue that holds at most `maxsize` items; `maxsize` ≤ 0 (the default) means no
    /// limit.
    public init(maxsize: Int = 0) {
        storage = _BlockingQueueStorage(LIFOBuffer<Element>.self, maxsize: maxsize)
    }

    /// Not API: see `BlockingQueue`.
    @inlinable
    public func _withStorage<R, E: Error>(_ body: (_BlockingQueueStorage<Element>) throws(E) -> R) throws(E)
        -> R
    {
        try body(storage)
    }
}
