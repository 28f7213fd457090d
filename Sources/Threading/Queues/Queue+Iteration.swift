// Iteration until shutdown for the bounded queues; see `QueueItems` and
// `QueueAsyncIterator` for the design.

extension Queue: AsyncSequence {
    /// Gets items until the queue is shut down and drained: `for try await item in queue`.
    public func makeAsyncIterator() -> QueueAsyncIterator<Element> {
        QueueAsyncIterator(source: storage.itemSource)
    }

    /// A blocking, consuming view of the items until shutdown: `for item in queue.items`.
    @available(*, noasync, message: "use `for try await item in queue`, which does not block a thread")
    public var items: QueueItems<Element> { QueueItems(source: storage.itemSource) }
}

extension LifoQueue: AsyncSequence {
    /// Gets items until the queue is shut down and drained: `for try await item in queue`.
    public func makeAsyncIterator() -> QueueAsyncIterator<Element> {
        QueueAsyncIterator(source: storage)
    }

    /// A blocking, consuming view of the items until shutdown: `for item in queue.items`.
    @available(*, noasync, message: "use `for try await item in queue`, which does not block a thread")
    public var items: QueueItems<Element> { QueueItems(source: storage) }
}

extension PriorityQueue: AsyncSequence {
    /// Gets items until the queue is shut down and drained: `for try await item in queue`.
    public func makeAsyncIterator() -> QueueAsyncIterator<Element> {
        QueueAsyncIterator(source: storage)
    }

    /// A blocking, consuming view of the items until shutdown: `for item in queue.items`.
    @available(*, noasync, message: "use `for try await item in queue`, which does not block a thread")
    public var items: QueueItems<Element> { QueueItems(source: storage) }
}
