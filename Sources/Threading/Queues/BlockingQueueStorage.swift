/// Where the package's queues keep their items, and the one implementation of their
/// operation table: `BlockingQueue`'s methods and `SimpleQueue`'s forward here.
///
/// Not API: public only because `BlockingQueue` names it (the leading underscore says so,
/// as on `Lockable`). Nothing outside the package can make one.
///
/// A bounded `Queue` (up to `RingQueueStorage.maxCapacity` slots, allocated up front) uses
/// the lock-free ring; every other queue uses the locked `QueueStorage` with its buffer
/// (first in first out, last in first out, smallest first). The fast paths look at the
/// storage, fixed at creation, so the ring's and the locked FIFO's (an unbounded `Queue`,
/// `SimpleQueue`) are specialized in the caller. `LifoQueue`'s and `PriorityQueue`'s go
/// through `QueueBackend` (a field cannot name `PriorityQueue`'s buffer without requiring
/// `Comparable` of every element); they take a lock anyway. The waiting paths all go
/// through `QueueBackend`, whose cost is nothing beside a wait.
public struct _BlockingQueueStorage<Element: Sendable>: Sendable {
    // The storage is one object. `ring` or `fifo` is set when it is one of those, so the
    // inlinable fast paths reach it by a load and a nil check; `backend` is always set.
    @usableFromInline let ring: RingQueueStorage<Element>?
    @usableFromInline let fifo: QueueStorage<FIFOBuffer<Element>>?
    let backend: any QueueBackend<Element>

    /// A `Queue`'s storage (and `SimpleQueue`'s, unbounded): the ring when bounded and
    /// small enough, else locked.
    init(fifo maxsize: Int) {
        if maxsize > 0 && maxsize <= RingQueueStorage<Element>.maxCapacity {
            let ring = RingQueueStorage<Element>(capacity: maxsize)
            (self.ring, fifo, backend) = (ring, nil, ring)
        } else {
            let fifo = QueueStorage<FIFOBuffer<Element>>(maxsize: maxsize)
            (ring, self.fifo, backend) = (nil, fifo, fifo)
        }
    }

    /// A locked storage with `Buffer`'s order.
    init<Buffer: QueueBuffer<Element>>(_: Buffer.Type, maxsize: Int) {
        (ring, fifo, backend) = (nil, nil, QueueStorage<Buffer>(maxsize: maxsize))
    }

    // MARK: The fast paths, inlinable

    @inlinable
    func tryPut(_ item: Element) throws(QueueError) -> Bool {
        if let ring { return try ring.tryPut(item) }
        if let fifo { return try fifo.tryPut(item) }
        return try tryPutElsewhere(item)
    }

    @usableFromInline
    func tryPutElsewhere(_ item: Element) throws(QueueError) -> Bool {
        try backend.tryPut(item)
    }

    @inlinable
    func tryGet() throws(QueueError) -> Element? {
        if let ring { return try ring.tryGet() }
        if let fifo { return try fifo.tryGet() }
        return try tryGetElsewhere()
    }

    @usableFromInline
    func tryGetElsewhere() throws(QueueError) -> Element? {
        try backend.tryGet()
    }

    @usableFromInline
    func putWaiting(_ item: Element) throws(QueueError) {
        try backend.putWaiting(item)
    }

    @usableFromInline
    func getWaiting() throws(QueueError) -> Element {
        try backend.getWaiting()
    }

    // MARK: The operations, each in its three forms

    @inlinable
    func put(_ item: Element) throws(QueueError) {
        if try tryPut(item) { return }
        try putWaiting(item)
    }

    func put(_ item: Element, timeout: Duration, _ function: StaticString) throws {
        try checkTimeout(timeout, function)
        try backend.put(item, deadline: .after(timeout))
    }

    @inlinable
    func putNowait(_ item: Element) throws(QueueError) {
        if try !tryPut(item) { throw .full }
    }

    func putFairly(_ item: Element) async throws {
        try await backend.put(item)
        await FairnessYield.yieldIfDue()
    }

    @inlinable
    func get() throws(QueueError) -> Element {
        if let item = try tryGet() { return item }
        return try getWaiting()
    }

    func get(timeout: Duration, _ function: StaticString) throws -> Element {
        try checkTimeout(timeout, function)
        return try backend.get(deadline: .after(timeout))
    }

    @inlinable
    func getNowait() throws(QueueError) -> Element {
        guard let item = try tryGet() else { throw .empty }
        return item
    }

    func getFairly() async throws -> Element {
        let item = try await backend.get()
        await FairnessYield.yieldIfDue()
        return item
    }
}
