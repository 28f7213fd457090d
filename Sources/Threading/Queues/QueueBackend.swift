/// What every queue storage does: `RingQueueStorage` (a bounded `Queue`'s lock-free ring)
/// and `QueueStorage` (one lock around a `QueueState`: the other queues). Both keep the
/// same semantics, so `BlockingQueueStorage` can hold either and the public queues need
/// not know which. `BlockingQueueStorage` calls the fast paths (`tryPut`, `tryGet`) of the
/// ring and of a FIFO on the concrete type, so they are specialized in the caller.
protocol QueueBackend<Element>: AnyObject, Sendable {
    associatedtype Element: Sendable

    var maxsize: Int { get }
    var count: Int { get }
    var isEmpty: Bool { get }
    var isFull: Bool { get }
    var isShutDown: Bool { get }
    var unfinishedTasks: Int { get }
    /// For tests: how many threads and tasks wait to get, to put, to join.
    var waitingCounts: (getters: Int, putters: Int, joiners: Int) { get }

    /// Puts `item` if there is room now; `false` when full.
    func tryPut(_ item: Element) throws(QueueError) -> Bool
    /// Waits for room without limit, then puts.
    func putWaiting(_ item: Element) throws(QueueError)
    /// Waits for room until `deadline` (`nil`: not at all), then puts.
    func put(_ item: Element, deadline: Deadline?) throws(QueueError)
    /// Suspends the task while full, then puts.
    func put(_ item: Element) async throws

    /// Takes the next item if there is one now; `nil` when empty.
    func tryGet() throws(QueueError) -> Element?
    /// Waits for an item without limit.
    func getWaiting() throws(QueueError) -> Element
    /// Waits for an item until `deadline` (`nil`: not at all).
    func get(deadline: Deadline?) throws(QueueError) -> Element
    /// Suspends the task while empty.
    func get() async throws -> Element

    func taskDone() throws(QueueError)
    func join()
    func join() async throws
    func shutdown(immediate: Bool)
}

extension RingQueueStorage: QueueBackend {}

extension QueueStorage: QueueBackend {}
