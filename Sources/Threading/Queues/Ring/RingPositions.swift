/// The arithmetic of a bounded lock-free ring (Dmitry Vyukov's MPMC queue): which cell a
/// position uses, what a cell's sequence number says about it, and the counts derived
/// from the two position counters. Plain data, tested without threads.
///
/// Positions count every put ever claimed (`enqueue`) and every get ever claimed
/// (`dequeue`) from 0; position `p` uses cell `p % capacity`. A cell's sequence number
/// says whose turn it is:
///
///     2p                  free: the put of position p may claim it
///     2p + 1              published: the get of position p may claim it
///     2(p + capacity)     got and freed: the put of position p + capacity may claim it
///     abandoned           an immediate shutdown dropped a slot whose put had claimed it
///                         but not yet published; its put takes its item back and
///                         releases it
///
/// (Vyukov's `p`, `p + 1`, `p + capacity`, doubled so that "published" and "free for the
/// next lap" differ even with one slot.) Sequence numbers only grow (except `abandoned`,
/// after which the cell is never used again), so "not yet my turn" seen once stays true
/// until the position counter moves.
@usableFromInline
struct RingPositions: Sendable {
    /// Set in the enqueue counter by `shutdown`: no put can claim a position after it, so
    /// a put and a shutdown are ordered by one atomic word.
    @usableFromInline static let shutDownBit = 1 << 62
    /// The sequence number of a slot an immediate shutdown took away from its put.
    @usableFromInline static let abandoned = -1

    @usableFromInline let capacity: Int
    /// `capacity - 1` when `capacity` is a power of two (a mask instead of a division).
    @usableFromInline let mask: Int

    init(capacity: Int) {
        self.capacity = capacity
        mask = capacity & (capacity - 1) == 0 ? capacity - 1 : -1
    }

    @inlinable @inline(__always)
    func cell(of position: Int) -> Int {
        mask >= 0 ? position & mask : position % capacity
    }

    /// What a put at `position` finds in its cell.
    @usableFromInline
    enum PutTurn: Equatable, Sendable {
        /// The cell is free for this position: claim it.
        case claim
        /// The cell still holds an item from a lap ago (or a slot being filled or got):
        /// the queue is full as of this position.
        case full
        /// Another put claimed this position already: reload the counter.
        case behind
    }

    @inlinable @inline(__always)
    func putTurn(sequence: Int, position: Int) -> PutTurn {
        let free = Self.free(for: position)
        if sequence == free { return .claim }
        return sequence < free ? .full : .behind
    }

    /// What a get at `position` finds in its cell.
    @usableFromInline
    enum GetTurn: Equatable, Sendable {
        /// The item of this position is published: claim it.
        case claim
        /// Nothing published here yet: the queue is empty as of this position, or its
        /// put has claimed it and is still filling it.
        case unpublished
        /// Another get claimed this position already: reload the counter.
        case behind
    }

    @inlinable @inline(__always)
    func getTurn(sequence: Int, position: Int) -> GetTurn {
        let published = Self.published(at: position)
        if sequence == published { return .claim }
        return sequence < published ? .unpublished : .behind
    }

    /// The sequence number of a cell the put of `position` may claim.
    @inlinable @inline(__always)
    static func free(for position: Int) -> Int { 2 &* position }

    /// The sequence number of a cell holding the published item of `position`.
    @inlinable @inline(__always)
    static func published(at position: Int) -> Int { 2 &* position &+ 1 }

    /// The sequence number that frees a cell after the get of `position`.
    @inlinable @inline(__always)
    func freed(after position: Int) -> Int { Self.free(for: position &+ capacity) }

    /// The enqueue counter without the shutdown bit.
    @inlinable @inline(__always)
    static func position(_ enqueueWord: Int) -> Int { enqueueWord & ~shutDownBit }

    @inlinable @inline(__always)
    static func isShutDown(_ enqueueWord: Int) -> Bool { enqueueWord & shutDownBit != 0 }

    /// Whether a get at `position` that found its cell unpublished must end with
    /// `.shutDown`: no put can come any more and every claimed put before it was got (or
    /// dropped). Otherwise a put still fills an earlier slot, or the queue is open.
    @inlinable @inline(__always)
    static func isDrained(at position: Int, enqueueWord: Int) -> Bool {
        isShutDown(enqueueWord) && self.position(enqueueWord) <= position
    }

    /// Items in the queue (claimed puts not yet claimed by a get), from a dequeue counter
    /// read *before* the enqueue word, clamped to `0...capacity` (a snapshot).
    func count(dequeue: Int, enqueueWord: Int) -> Int {
        Swift.min(capacity, Swift.max(0, Self.position(enqueueWord) - dequeue))
    }

    /// Items put and not yet marked done, from a done counter read *before* the enqueue
    /// word: every claimed put counts (it cannot fail any more).
    static func unfinished(done: Int, enqueueWord: Int) -> Int {
        Swift.max(0, position(enqueueWord) - done)
    }

    /// The done counter after an immediate shutdown dropped `dropped` items: each counts as
    /// done, but never beyond the puts (Python's `if unfinished_tasks > 0` guard).
    static func done(_ done: Int, afterDropping dropped: Int, enqueueWord: Int) -> Int {
        Swift.min(position(enqueueWord), done + dropped)
    }
}
