/// Where a `Queue` keeps its items: a lock-free ring when it is bounded (up to
/// `RingQueueStorage.maxCapacity` slots, allocated up front), the locked `QueueStorage`
/// when it is unbounded or larger. Both have the same semantics; the ring is the fast
/// one. One `switch` per call, on a value fixed at creation.
@usableFromInline
enum FIFOStorage<Element: Sendable>: Sendable {
    case ring(RingQueueStorage<Element>)
    case locked(QueueStorage<FIFOBuffer<Element>>)

    init(maxsize: Int) {
        if maxsize > 0 && maxsize <= RingQueueStorage<Element>.maxCapacity {
            self = .ring(RingQueueStorage(capacity: maxsize))
        } else {
            self = .locked(QueueStorage(maxsize: maxsize))
        }
    }

    var maxsize: Int {
        switch self {
        case .ring(let ring): ring.maxsize
        case .locked(let locked): locked.maxsize
        }
    }

    var count: Int {
        switch self {
        case .ring(let ring): ring.count
        case .locked(let locked): locked.count
        }
    }

    var isEmpty: Bool {
        switch self {
        case .ring(let ring): ring.isEmpty
        case .locked(let locked): locked.isEmpty
        }
    }

    var isFull: Bool {
        switch self {
        case .ring(let ring): ring.isFull
        case .locked(let locked): locked.isFull
        }
    }

    var isShutDown: Bool {
        switch self {
        case .ring(let ring): ring.isShutDown
        case .locked(let locked): locked.isShutDown
        }
    }

    var unfinishedTasks: Int {
        switch self {
        case .ring(let ring): ring.unfinishedTasks
        case .locked(let locked): locked.unfinishedTasks
        }
    }

    /// For tests: how many threads and tasks wait to get, to put, to join.
    var waitingCounts: (getters: Int, putters: Int, joiners: Int) {
        switch self {
        case .ring(let ring): ring.waitingCounts
        case .locked(let locked): locked.waitingCounts
        }
    }

    @inlinable
    func tryPut(_ item: Element) throws(QueueError) -> Bool {
        switch self {
        case .ring(let ring): try ring.tryPut(item)
        case .locked(let locked): try locked.tryPut(item)
        }
    }

    @usableFromInline
    func putWaiting(_ item: Element) throws(QueueError) {
        switch self {
        case .ring(let ring): try ring.putWaiting(item)
        case .locked(let locked): try locked.putWaiting(item)
        }
    }

    func put(_ item: Element, deadline: Deadline?) throws(QueueError) {
        switch self {
        case .ring(let ring): try ring.put(item, deadline: deadline)
        case .locked(let locked): try locked.put(item, deadline: deadline)
        }
    }

    func put(_ item: Element) async throws {
        switch self {
        case .ring(let ring): try await ring.put(item)
        case .locked(let locked): try await locked.put(item)
        }
    }

    @inlinable
    func tryGet() throws(QueueError) -> Element? {
        switch self {
        case .ring(let ring): try ring.tryGet()
        case .locked(let locked): try locked.tryGet()
        }
    }

    @usableFromInline
    func getWaiting() throws(QueueError) -> Element {
        switch self {
        case .ring(let ring): try ring.getWaiting()
        case .locked(let locked): try locked.getWaiting()
        }
    }

    func get(deadline: Deadline?) throws(QueueError) -> Element {
        switch self {
        case .ring(let ring): try ring.get(deadline: deadline)
        case .locked(let locked): try locked.get(deadline: deadline)
        }
    }

    func get() async throws -> Element {
        switch self {
        case .ring(let ring): try await ring.get()
        case .locked(let locked): try await locked.get()
        }
    }

    func taskDone() throws(QueueError) {
        switch self {
        case .ring(let ring): try ring.taskDone()
        case .locked(let locked): try locked.taskDone()
        }
    }

    func join() {
        switch self {
        case .ring(let ring): ring.join()
        case .locked(let locked): locked.join()
        }
    }

    func join() async throws {
        switch self {
        case .ring(let ring): try await ring.join()
        case .locked(let locked): try await locked.join()
        }
    }

    func shutdown(immediate: Bool) {
        switch self {
        case .ring(let ring): ring.shutdown(immediate: immediate)
        case .locked(let locked): locked.shutdown(immediate: immediate)
        }
    }

    /// The iteration views' source of items.
    var itemSource: any ItemSource<Element> {
        switch self {
        case .ring(let ring): ring
        case .locked(let locked): locked
        }
    }
}
