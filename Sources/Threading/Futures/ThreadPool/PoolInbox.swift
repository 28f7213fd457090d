import Synchronization

/// The lock-free front of a pool's queue: submissions publish their items here without
/// taking the pool's lock, and whoever holds the lock next moves them, in order, into the
/// queue of `ThreadPoolState` (`drain`). A bounded ring (Vyukov's MPMC queue, the cell
/// arithmetic of `RingPositions`) with many producers and one consumer at a time: the
/// holder of the pool's lock.
///
/// Why: W1 (2 workers, 100,000 tiny tasks) keeps the queue non-empty with both workers
/// taking from it, so the submitter, the two workers and the one lock shared a handful of
/// cache lines — the lock word, the deque's header, its slots — and every submission
/// missed on each of them (a W1 profile put a large share of the CPU in the lock's
/// contended path; the Executors article, "Performance").
/// A submission that publishes here touches the enqueue counter (its own line) and one
/// cell, which the consumer reads later in bulk.
///
/// **When a publication needs no decision (the gate).** A submission normally decides
/// under the lock whom to wake or whether to start a worker. The `gate` word is 1 while no
/// decision can be needed: a worker spins on the queue, or every worker is busy and no
/// more may start (`ThreadPoolState.isGateOpen`). Lock holders keep it in step with the
/// state. A submission publishes its item with a sequentially consistent compare-and-swap
/// of its cell's sequence number and then loads the gate (sequentially consistent); a
/// lock holder closes the gate with a
/// sequentially consistent exchange and then drains. In the single total order of those
/// operations, either the submission saw the gate open and its item is drained after the
/// close, or it saw the gate closed and takes the lock to decide itself — the Dekker
/// pattern of `RingQueueStorage`, with read-modify-writes rather than fences because
/// ThreadSanitizer does not model standalone fences.
@usableFromInline
final class PoolInbox: @unchecked Sendable {
    // `slots` and `words` are touched only through their atomics, and a cell's item only
    // by the put that claimed its position, then by the lock holder that drains it (the
    // cell's sequence number hands it over). The dequeue counter is written only under the
    // pool's lock.
    @usableFromInline let slots: RingSlots<PoolItem>
    @usableFromInline let positions: RingPositions
    /// The counters, each alone on its cache line (`PaddedAtomics`).
    @usableFromInline let words: UnsafeMutablePointer<Atomic<Int>>

    @usableFromInline static var enqueueWord: Int { PaddedAtomics.index(line: 0) }
    @usableFromInline static var gateWord: Int { PaddedAtomics.index(line: 1) }
    static var dequeueWord: Int { PaddedAtomics.index(line: 2) }
    static var lineCount: Int { 3 }

    /// Enough for the bursts between two drains; a full inbox only sends submissions down
    /// the locked path. Allocated with the pool: ~40 KB of cells for `PoolItem`s.
    static var capacity: Int { 1024 }

    init() {
        positions = RingPositions(capacity: Self.capacity)
        slots = RingSlots(count: Self.capacity)
        words = PaddedAtomics.allocate(lines: Self.lineCount)
    }

    deinit {
        // Nobody publishes or drains any more: items left (only from a pool dropped with
        // submissions racing its end) are released here.
        slots.free()
        PaddedAtomics.deallocate(words, lines: Self.lineCount)
    }

    /// What a submission's publication found.
    @usableFromInline
    enum Publication {
        /// Published while the gate was open: a worker will take it; nothing to decide.
        case done
        /// Published, but the gate was closed: the submission must take the lock, drain,
        /// and decide (`ThreadPoolState.published`).
        case mustDecide
        /// The inbox is full, or the pool closed while the item was being published:
        /// nothing was published; the caller submits the item handed back through the lock.
        case full(PoolItem)
    }

    /// Publishes `item` unless the inbox is full, and says whether the caller must decide.
    ///
    /// Takes the item rather than copying it: a copy retained the future, and the
    /// submission released its own a moment later, two atomic operations per task on the
    /// future's reference count.
    @inlinable
    func publish(_ item: consuming PoolItem) -> Publication {
        var position = words[Self.enqueueWord].load(ordering: .relaxed)
        while true {
            let cell = positions.cell(of: position)
            let sequence = slots.sequence(cell).pointee.load(ordering: .acquiring)
            switch positions.putTurn(sequence: sequence, position: position) {
            case .claim:
                let (claimed, seen) = words[Self.enqueueWord].compareExchange(
                    expected: position, desired: position &+ 1, ordering: .relaxed)
                guard claimed else {
                    position = seen
                    continue
                }
                slots.item(cell).pointee = consume item
                guard
                    slots.sequence(cell).pointee.compareExchange(
                        expected: RingPositions.free(for: position),
                        desired: RingPositions.published(at: position),
                        ordering: .sequentiallyConsistent
                    ).exchanged
                else {
                    // A closing pool abandoned the cell while it was being filled (see
                    // `drainAll`): the item was never published; take it back.
                    return .full(takeAbandoned(cell))
                }
                return words[Self.gateWord].load(ordering: .sequentiallyConsistent) == 1 ? .done : .mustDecide
            case .full:
                return .full(item)
            case .behind:
                position = words[Self.enqueueWord].load(ordering: .relaxed)
            }
        }
    }

    @usableFromInline
    func takeAbandoned(_ cell: Int) -> PoolItem {
        slots.item(cell).pointee.take().unsafelyUnwrapped
    }

    // MARK: Under the pool's lock

    /// Moves every published item, oldest first, to `admit`, up to the first position
    /// whose put is still filling its cell (that put will find the gate closed or be
    /// drained later). Returns how many moved. Only under the pool's lock.
    func drain(_ admit: (PoolItem) -> Void) -> Int {
        var position = words[Self.dequeueWord].load(ordering: .relaxed)
        let start = position
        while true {
            let cell = positions.cell(of: position)
            let sequence = slots.sequence(cell).pointee.load(ordering: .sequentiallyConsistent)
            guard positions.getTurn(sequence: sequence, position: position) == .claim,
                let item = slots.item(cell).pointee.take()
            else { break }
            slots.sequence(cell).pointee.store(positions.freed(after: position), ordering: .releasing)
            admit(item)
            position &+= 1
        }
        if position != start { words[Self.dequeueWord].store(position, ordering: .relaxed) }
        return position &- start
    }

    /// The drain of a pool that closes (shut down or broken), after closing the gate:
    /// every position claimed so far is settled now, because the submissions that saw the
    /// gate open before the close will not come back. Published items move to `admit`;
    /// a cell whose put is still filling it is marked abandoned, so that put's publishing
    /// compare-and-swap fails and it submits through the lock, where the closed pool
    /// refuses it. An abandoned cell is never used again (a put that reaches it finds the
    /// inbox full), which only matters to a closed pool. Only under the pool's lock.
    func drainAll(_ admit: (PoolItem) -> Void) {
        var position = words[Self.dequeueWord].load(ordering: .relaxed)
        let end = words[Self.enqueueWord].load(ordering: .sequentiallyConsistent)
        while position < end {
            let cell = positions.cell(of: position)
            let sequence = slots.sequence(cell)
            var seen = sequence.pointee.load(ordering: .sequentiallyConsistent)
            if seen == RingPositions.free(for: position) {
                let (abandoned, now) = sequence.pointee.compareExchange(
                    expected: seen, desired: RingPositions.abandoned, ordering: .sequentiallyConsistent)
                seen = abandoned ? RingPositions.abandoned : now
            }
            if seen == RingPositions.published(at: position), let item = slots.item(cell).pointee.take() {
                sequence.pointee.store(positions.freed(after: position), ordering: .releasing)
                admit(item)
            }
            position &+= 1
        }
        words[Self.dequeueWord].store(position, ordering: .relaxed)
    }

    /// Opens or closes the gate, as `ThreadPoolState.settleGate` says; closing is a
    /// sequentially consistent read-modify-write (the Dekker pattern above), and the
    /// caller drains after it. Only under the pool's lock.
    func setGate(open: Bool) {
        if open {
            words[Self.gateWord].store(1, ordering: .sequentiallyConsistent)
        } else {
            _ = words[Self.gateWord].exchange(0, ordering: .sequentiallyConsistent)
        }
    }

    /// Where the spinner watches for the next publication: the cell of the next position
    /// to drain and its sequence number now. Only under the pool's lock.
    func watchPoint() -> (cell: Int, sequence: Int) {
        let cell = positions.cell(of: words[Self.dequeueWord].load(ordering: .relaxed))
        return (cell, slots.sequence(cell).pointee.load(ordering: .relaxed))
    }

    /// Whether the watched cell changed (something was published, or drained by another
    /// worker). A hint only: the spinner decides under the lock.
    @inline(__always)
    func changed(since point: (cell: Int, sequence: Int)) -> Bool {
        slots.sequence(point.cell).pointee.load(ordering: .relaxed) != point.sequence
    }
}
