import DequeModule
import HeapModule

/// Where a queue keeps its items: the one thing that differs between `Queue`,
/// `LifoQueue` and `PriorityQueue` (CPython's `_put`/`_get` hooks).
///
/// Plain data, kept under the queue's lock. `insert` and `remove` run inside the critical
/// section, so they must be cheap; a `PriorityQueue`'s element comparisons run there too.
protocol QueueBuffer<Element>: Sendable {
    associatedtype Element: Sendable
    init()
    var count: Int { get }
    mutating func insert(_ item: Element)
    /// The next item in this buffer's order, removed; `nil` when empty.
    mutating func remove() -> Element?
}

extension QueueBuffer {
    /// Every item, removed and handed back in the old buffer, so an immediate shutdown
    /// can release them (running their `deinit`s) after unlocking.
    mutating func takeAll() -> Self {
        var old = Self()
        swap(&old, &self)
        return old
    }
}

/// First in, first out (`Queue`, `SimpleQueue`).
struct FIFOBuffer<Element: Sendable>: QueueBuffer {
    private var items = Deque<Element>()
    init() {}
    var count: Int { items.count }
    mutating func insert(_ item: Element) { items.append(item) }
    mutating func remove() -> Element? { items.popFirst() }
}

/// Last in, first out (`LifoQueue`).
struct LIFOBuffer<Element: Sendable>: QueueBuffer {
    private var items: [Element] = []
    init() {}
    var count: Int { items.count }
    mutating func insert(_ item: Element) { items.append(item) }
    mutating func remove() -> Element? { items.popLast() }
}

/// Smallest first (`PriorityQueue`); equal items come out in the order they were put.
///
/// `Heap` alone is not stable, so each item carries the sequence number of its `put` as a
/// tie-breaker: a queue of equal-priority jobs stays FIFO, as users of a priority queue
/// expect (CPython leaves ties to the items' own comparison).
struct PriorityBuffer<Element: Sendable & Comparable>: QueueBuffer {
    struct Entry: Comparable, Sendable {
        let item: Element
        let sequence: UInt64
        static func < (a: Entry, b: Entry) -> Bool {
            if a.item < b.item { return true }
            if b.item < a.item { return false }
            return a.sequence < b.sequence
        }
        static func == (a: Entry, b: Entry) -> Bool {
            a.sequence == b.sequence
        }
    }

    private var heap = Heap<Entry>()
    private var nextSequence: UInt64 = 0
    init() {}
    var count: Int { heap.count }
    mutating func insert(_ item: Element) {
        heap.insert(Entry(item: item, sequence: nextSequence))
        nextSequence &+= 1
    }
    mutating func remove() -> Element? { heap.popMin()?.item }
}
