/// A queue that hands out its smallest item first, Python's `queue.PriorityQueue`.
///
/// Consumers `get` the smallest item by `<` first (a binary heap, `swift-collections`'
/// `Heap`); equal items come out in the order they were put. The comparisons run under
/// the queue's lock, so `<` must be quick and must not use the queue. The operations,
/// their timeouts and errors, shutdown, iteration and the async twins are
/// `BlockingQueue`'s, the same as `Queue`'s.
public final class PriorityQueue<Element: Sendable & Comparable>: BlockingQueue {
    @usableFromInline let storage: _BlockingQueueStorage<Element>

    /// A queue that holds at most `maxsize` items; `maxsize` ≤ 0 (the default) means no
    /// limit.
    public init(maxsize: Int = 0) {
        storage = _BlockingQueueStorage(PriorityBuffer<Element>.self, maxsize: maxsize)
    }

    /// Not API: see `BlockingQueue`.
    @inlinable
    public func _withStorage<R, E: Error>(_ body: (_BlockingQueueStorage<Element>) throws(E) -> R) throws(E)
        -> R
    {
        try body(storage)
    }
}
