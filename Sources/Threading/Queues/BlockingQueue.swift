/// What `Queue`, `LifoQueue` and `PriorityQueue` share, as Java's `BlockingQueue` does:
/// one table of operations with the same timeouts, errors, shutdown and iteration, so code
/// can be generic over the kind of queue (`func drain(_ q: some BlockingQueue<Int>)`). The
/// three differ only in the order items come out in.
///
/// Producers `put` items and consumers `get` them. With a positive `maxsize` the queue is
/// bounded and `put` waits for room; with `maxsize` ≤ 0 it is unbounded and `put` never
/// waits.
///
/// | operation | blocking | `timeout:` | non-blocking | `async` |
/// |---|---|---|---|---|
/// | put | `put(_:)` waits for room | `put(_:timeout:)` → `QueueError.full` | `putNowait(_:)` → `.full` | `await put(_:)` |
/// | get | `get()` waits for an item | `get(timeout:)` → `QueueError.empty` | `getNowait()` → `.empty` | `await get()` |
/// | join | `join()` waits until every item is done | — | — | `await join()` |
///
/// A blocking call waits on the queue's waiter list and is woken by the `get`, `put`,
/// `taskDone` or `shutdown` that lets it proceed; a negative `timeout` throws
/// `ThreadingError.invalidArgument`. Every item put is got exactly once, under any number
/// of producers and consumers, OS threads and Swift tasks alike: a thread's `put` wakes a
/// task's `get` and the other way round. Each put wakes one waiting getter and each get
/// one waiting putter.
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
/// Happens-before: everything a producer did before `put(x)` → everything the consumer
/// does after the `get` that returns `x`; every `taskDone()` → the `join` it lets return.
///
/// Only the package's queues conform: the one requirement, `_withStorage`, is not API.
/// `SimpleQueue` is not one: like Python's, it has no bound, no shutdown, no `taskDone`
/// and no `join`.
public protocol BlockingQueue<Element>: AsyncSequence, AnyObject, Sendable
where Element: Sendable, AsyncIterator == QueueAsyncIterator<Element> {
    /// Not API: runs `body` on where the queue keeps its items (see
    /// `_BlockingQueueStorage`). A call, not a property: a property requirement hands out
    /// an owned copy, whose retain and release would hit the storage's reference count,
    /// shared by every producer and consumer, on every put and get; a parameter is
    /// borrowed.
    func _withStorage<R, E: Error>(_ body: (_BlockingQueueStorage<Element>) throws(E) -> R) throws(E) -> R
}
