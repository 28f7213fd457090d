// The iteration views of the bounded queues: each step is the queue's `get`, and a
// shutdown (once drained) ends the iteration instead of throwing.
extension QueueBackend {
    /// The next item, blocking; `nil` once the queue is shut down and drained.
    func nextItem() -> Element? {
        // With no deadline the only error `get` throws is `.shutDown`: the end.
        try? get(deadline: .never)
    }

    /// The next item, suspending; `nil` once shut down and drained.
    func nextItem() async throws -> Element? {
        do {
            let item = try await get()
            await FairnessYield.yieldIfDue()
            return item
        } catch QueueError.shutDown {
            return nil
        }
    }
}

/// A blocking view of a queue's items, for `for item in queue.items { … }`.
///
/// Each step calls the queue's blocking `get()`: it waits while the queue is empty and
/// the iteration ends when the queue is shut down and drained (after an immediate
/// shutdown, at once). It is single-pass and consuming: every item it yields is removed
/// from the queue, and other consumers share the items with it. It does not call
/// `taskDone()`. In async code use `for try await item in queue`, which does not block a
/// thread.
///
/// The view is a separate value, not a `Sequence` conformance of the queue itself, so
/// that blocking, consuming `Sequence` algorithms (`map`, `contains`, `first(where:)`…)
/// are not offered on every queue and async code is not steered into blocking.
public struct QueueItems<Element: Sendable>: Sequence, Sendable {
    let source: any QueueBackend<Element>

    public struct Iterator: IteratorProtocol {
        let source: any QueueBackend<Element>

        /// The next item, waiting for one; `nil` once the queue is shut down and drained.
        public mutating func next() -> Element? {
            source.nextItem()
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(source: source)
    }
}

/// The async iterator of a queue: `for try await item in queue { … }`.
///
/// Each step calls the queue's `await get()`: it suspends while the queue is empty,
/// returns `nil` (ending the loop) once the queue is shut down and drained, and throws
/// `CancellationError` when the task is cancelled (checked at every step, even when an
/// item is ready; no item is taken then). Every 64th step on a thread ends with
/// `await Task.yield()`, so a loop that always finds items still lets other tasks run (see
/// *Cancellation and fairness* on `BlockingQueue`). It does not call `taskDone()`.
public struct QueueAsyncIterator<Element: Sendable>: AsyncIteratorProtocol {
    let source: any QueueBackend<Element>

    /// The next item, suspending for one; `nil` once the queue is shut down and drained.
    public mutating func next() async throws -> Element? {
        try await source.nextItem()
    }
}
