/// What `Queue`, `LifoQueue` and `PriorityQueue` share, as Java's `BlockingQueue` does: one
/// table of operations with the same timeouts, errors and shutdown semantics, so code can
/// be generic over the kind of queue (`func drain(_ q: some BlockingQueue<Int>)`).
///
/// Every blocking call has three forms: blocking (`put`, `get`, `join`), bounded
/// (`timeout:`, throwing `QueueError.full` / `.empty` when it runs out, and
/// `ThreadingError.invalidArgument` for a negative timeout), and non-blocking
/// (`putNowait`, `getNowait`). A blocking call waits on the queue's waiter list and is
/// woken by the `get`, `put`, `taskDone` or `shutdown` that lets it proceed; its async
/// twin suspends the task there instead of holding a thread, throws `CancellationError`
/// when the task is cancelled, and checks cancellation even when it could proceed at once.
/// After `shutdown()` puts throw `QueueError.shutDown`, and gets drain what is left, then
/// throw it (`shutdown(immediate: true)` drops what is left). `SimpleQueue` is not one:
/// like Python's, it has no bound, no `taskDone` and no `join`.
public protocol BlockingQueue<Element>: AnyObject, Sendable {
    associatedtype Element: Sendable

    /// The bound given at creation; 0 means unbounded.
    var maxsize: Int { get }
    /// The items now in the queue: a snapshot that may be stale when read.
    var count: Int { get }
    /// Whether the queue is empty now (a snapshot).
    var isEmpty: Bool { get }
    /// Whether the queue is at its bound now (a snapshot); never for an unbounded queue.
    var isFull: Bool { get }
    /// Whether `shutdown` has been called.
    var isShutDown: Bool { get }

    /// Puts `item`, blocking while the queue is full.
    @available(*, noasync, message: "use `await put(_:)`, which does not block a thread")
    func put(_ item: Element) throws
    /// Puts `item`, blocking at most `timeout` while the queue is full.
    @available(*, noasync, message: "use `await put(_:)`, which does not block a thread")
    func put(_ item: Element, timeout: Duration) throws
    /// Puts `item` only if there is room now; throws `QueueError.full` otherwise.
    func putNowait(_ item: Element) throws
    /// Puts `item`, suspending the task while the queue is full.
    func put(_ item: Element) async throws

    /// Takes the next item, blocking while the queue is empty.
    @available(*, noasync, message: "use `await get()`, which does not block a thread")
    func get() throws -> Element
    /// Takes the next item, blocking at most `timeout` while the queue is empty.
    @available(*, noasync, message: "use `await get()`, which does not block a thread")
    func get(timeout: Duration) throws -> Element
    /// Takes the next item only if there is one now; throws `QueueError.empty` otherwise.
    func getNowait() throws -> Element
    /// Takes the next item, suspending the task while the queue is empty.
    func get() async throws -> Element

    /// Marks one item got earlier as processed; throws `QueueError.tooManyTaskDone` when
    /// called more often than items were put.
    func taskDone() throws
    /// Blocks until every item put has been marked done.
    @available(*, noasync, message: "use `await join()`, which does not block a thread")
    func join()
    /// Suspends the task until every item put has been marked done.
    func join() async throws
    /// Stops the queue: puts fail, gets drain what is left (or nothing, when
    /// `immediate`), and every waiter wakes.
    func shutdown(immediate: Bool)
}

// Python's spellings of the size snapshots, for code ported from `queue`: the obvious
// guess of a Python programmer compiles and means the same. The Swift names are the
// primary ones; these only forward.
extension BlockingQueue {
    /// Python's `qsize()`: the same snapshot as `count`. Never blocks.
    public func qsize() -> Int { count }
    /// Python's `empty()`: the same snapshot as `isEmpty`. Never blocks.
    public func empty() -> Bool { isEmpty }
    /// Python's `full()`: the same snapshot as `isFull`. Never blocks.
    public func full() -> Bool { isFull }
}

extension Queue: BlockingQueue {}
extension LifoQueue: BlockingQueue {}
extension PriorityQueue: BlockingQueue {}
