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
    // The storage is one object: `kind` carries it when the fast paths can reach it
    // concretely; `backend` always holds it.
    @usableFromInline
    enum Kind: Sendable {
        case ring(RingQueueStorage<Element>)
        case fifo(QueueStorage<FIFOBuffer<Element>>)
        case other

        // The fast paths are the enum's own methods: a `switch self` borrows the payload,
        // where a `switch` on the stored property from the struct's method retained and
        // released it (the ring's reference count, shared by every producer and consumer:
        // W2 fell to a fifth).

        /// `nil` for `.other`.
        @inlinable
        func tryPut(_ item: Element) throws(QueueError) -> Bool? {
            switch self {
            case .ring(let ring): try ring.tryPut(item)
            case .fifo(let fifo): try fifo.tryPut(item)
            case .other: nil
            }
        }

        /// `nil` for `.other`; `.some(nil)` when empty.
        @inlinable
        func tryGet() throws(QueueError) -> Element?? {
            switch self {
            case .ring(let ring): try ring.tryGet()
            case .fifo(let fifo): try fifo.tryGet()
            case .other: nil
            }
        }
    }

    @usableFromInline let kind: Kind
    let backend: any QueueBackend<Element>

    /// A `Queue`'s storage (and `SimpleQueue`'s, unbounded): the ring when bounded and
    /// small enough, else locked.
    init(fifo maxsize: Int) {
        if maxsize > 0 && maxsize <= RingQueueStorage<Element>.maxCapacity {
            let ring = RingQueueStorage<Element>(capacity: maxsize)
            (kind, backend) = (.ring(ring), ring)
        } else {
            let fifo = QueueStorage<FIFOBuffer<Element>>(maxsize: maxsize)
            (kind, backend) = (.fifo(fifo), fifo)
        }
    }

    /// A locked storage with `Buffer`'s order.
    init<Buffer: QueueBuffer<Element>>(_: Buffer.Type, maxsize: Int) {
        (kind, backend) = (.other, QueueStorage<Buffer>(maxsize: maxsize))
    }

    /// For tests: the ring, when the storage is one.
    var ring: RingQueueStorage<Element>? { if case .ring(let ring) = kind { ring } else { nil } }
    /// For tests: the locked FIFO, when the storage is one.
    var fifo: QueueStorage<FIFOBuffer<Element>>? { if case .fifo(let fifo) = kind { fifo } else { nil } }

    // MARK: The fast paths, inlinable

    @inlinable
    func tryPut(_ item: Element) throws(QueueError) -> Bool {
        if let done = try kind.tryPut(item) { return done }
        return try tryPutElsewhere(item)
    }

    @usableFromInline
    func tryPutElsewhere(_ item: Element) throws(QueueError) -> Bool {
        try backend.tryPut(item)
    }

    @inlinable
    func tryGet() throws(QueueError) -> Element? {
        switch try kind.tryGet() {
        case .some(let attempt): attempt
        case .none: try tryGetElsewhere()
        }
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
