import DequeModule
import HeapModule

/// Where a queue keeps its items: the one thing that differs between `Queue`,
/// `LifoQueue` and `PriorityQueue` (CPython's `_put`/`_get` hooks).
///
/// Plain data, kept under the queue's lock. `insert` and `remove` run inside the critical
/// section, so they must be cheap; a `PriorityQueue`'s element comparisons run there too.
/// `@usableFromInline`, like everything on a queue's fast path, so `put` and `get` that
/// need not wait are specialized for the element type in the caller (see `StateLock`).
@usableFromInline
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
@usableFromInline
struct FIFOBuffer<Element: Sendable>: QueueBuffer {
    @usableFromInline var items = Deque<Element>()
    @inlinable init() {}
    @inlinable var count: Int { items.count }
    @inlinable mutating func insert(_ item: Element) { items.append(item) }
    @inlinable mutating func remove() -> Element? { items.popFirst() }
}

/// Last in, first out (`LifoQueue`).
@usableFromInline
struct LIFOBuffer<Element: Sendable>: QueueBuffer {
    @usableFromInline var items: [Element] = []
    @inlinable init() {}
    @inlinable var count: Int { items.count }
    @inlinable mutating func insert(_ item: Element) { items.append(item) }
    @inlinable mutating func remove() -> Element? { items.popLast() }
}

/// Smallest first (`PriorityQueue`); equal items come out in the order they were put.
///
/// `Heap` alone is not stable, so each item carries the sequence number of its `put` as a
/// tie-breaker: a queue of equal-priority jobs stays FIFO, as users of a priority queue
/// expect (CPython leaves ties to the items' own comparison).
@usableFromInline
struct PriorityBuffer<Element: Sendable & Comparable>: QueueBuffer {
    @usableFromInline
    struct Entry: Comparable, Sendable {
        @usableFromInline let item: Element
        @usableFromInline let sequence: UInt64
        @inlinable init(item: Element, sequence: UInt64) {
            self.item = item
            self.sequence = sequence
        }
        @inlinable static func < (a: Entry, b: Entry) -> Bool {
            if a.item < b.item { return true }
            if b.item < a.item { return false }
            return a.sequence < b.sequence
        }
        @inlinable static func == (a: Entry, b: Entry) -> Bool {
            a.sequence == b.sequence
        }
    }

    @usableFromInline var heap = Heap<Entry>()
    @usableFromInline var nextSequence: UInt64 = 0
    @inlinable init() {}
    @inlinable var count: Int { heap.count }
    @inlinable mutating func insert(_ item: Element) {
        heap.insert(Entry(item: item, sequence: nextSequence))
        nextSequence &+= 1
    }
    @inlinable mutating func remove() -> Element? { heap.popMin()?.item }
}
