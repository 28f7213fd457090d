import Synchronization

/// The storage of a bounded `Queue`: a lock-free ring of `maxsize` slots (Vyukov's bounded
/// MPMC queue) for the items, and one `StateLock` that only waiters, wakers and `shutdown`
/// take.
///
/// Why not one lock around the items (as `QueueStorage` does for the other queues): with
/// producers and consumers on both cores, that lock is the bottleneck: a W3 profile
/// (the Queues article, "Performance") put most of the CPU in its contended path and its
/// critical sections, while parking cost next to nothing. Here a put that need not
/// wait is one compare-and-swap on the enqueue counter, a store of the item and a
/// compare-and-swap of its cell's sequence number; a get is the mirror image on the
/// dequeue counter. Producers and consumers share only the cells they hand over.
///
/// **Sleeping at the edges.** A put or get that cannot proceed lists itself under the
/// lock, mirrors the list size into an atomic (`sleepers`) with a sequentially consistent
/// read-modify-write, and then looks at the ring once more before it sleeps. Every put
/// publishes its item with a sequentially consistent compare-and-swap and then loads the
/// getters' count (a get frees its slot, then loads the putters' count). In the single
/// total order of those operations either the waiter's second look sees the item (it
/// does not sleep) or the put sees the waiter (it takes the lock and wakes one): no
/// wake-up is lost, and no put or get takes the lock or makes a system call unless a
/// waiter is listed. Standalone fences would also do, but ThreadSanitizer does not model
/// them.
///
/// A woken waiter retries; one that then succeeds passes a wake-up on while more items
/// (or free slots) remain and others are listed, because a put that published the item
/// a waiter was waiting for may have woken a different waiter, or a thief on the fast
/// path may have taken it. A getter that finds the queue shut down and drained passes
/// the wake-up on too, so every getter that waited for a put still filling its slot at
/// a normal shutdown learns the end.
///
/// **Shutdown.** The shutdown bit lives in the enqueue counter, so a put either claimed
/// its position before the shutdown (and counts as put before it) or sees the bit and
/// throws: no put slips in after. An immediate shutdown then takes every position not yet
/// claimed by a get in one exchange of the dequeue counter (a racing get's claim fails and
/// it sees the end), releases the published items after unlocking, and marks the slots
/// whose puts are still filling them `abandoned`: such a put's publishing CAS fails, and it
/// releases its own item. Either way the item counts as done, `count` is 0 afterwards and
/// every waiter wakes.
///
/// **Unfinished tasks.** Every claimed put counts, so the unfinished count is the
/// enqueue position minus a `done` counter that `taskDone()` advances with a CAS (never
/// past the puts) and an immediate shutdown advances by the items it dropped; a put costs
/// no extra atomic. `join` waits on the same sleeper pattern as a get.
///
/// Memory: the ring is allocated once, `maxsize` slots (`Queue` uses it up to
/// `maxCapacity` and the locked storage beyond, and when unbounded).
@usableFromInline
final class RingQueueStorage<Element: Sendable>: @unchecked Sendable {
    // `slots` and `words` are touched only through their atomics, and a slot's item only
    // by the thread that owns its position (see `RingSlots`). `state` is a `StateLock`.
    @usableFromInline let slots: RingSlots<Element>
    /// The position counters and sleeper counts, each group on its own cache lines so
    /// producers and consumers do not invalidate each other's counters.
    @usableFromInline let words: UnsafeMutablePointer<Atomic<Int>>
    @usableFromInline let positions: RingPositions
    let state: StateLock<RingQueueState>

    /// The largest `maxsize` a ring is used for: its slots are allocated up front.
    static var maxCapacity: Int { 1 << 16 }

    @usableFromInline static var enqueueWord: Int { PaddedAtomics.index(line: 0) }
    @usableFromInline static var dequeueWord: Int { PaddedAtomics.index(line: 1) }
    @usableFromInline static var doneWord: Int { PaddedAtomics.index(line: 2) }
    // The sleeper counts change together, only on the slow paths: one line.
    @usableFromInline static var sleepingGetters: Int { PaddedAtomics.index(line: 3, word: 0) }
    @usableFromInline static var sleepingPutters: Int { PaddedAtomics.index(line: 3, word: 1) }
    @usableFromInline static var sleepingJoiners: Int { PaddedAtomics.index(line: 3, word: 2) }
    static var lineCount: Int { 4 }

    var maxsize: Int { positions.capacity }

    init(capacity: Int) {
        positions = RingPositions(capacity: capacity)
        slots = RingSlots(count: capacity)
        words = PaddedAtomics.allocate(lines: Self.lineCount)
        state = StateLock(RingQueueState())
    }

    deinit {
        // No put or get can be running (they hold a reference): the items still in the ring
        // are released here, exactly once; abandoned slots were emptied by their puts.
        slots.free()
        PaddedAtomics.deallocate(words, lines: Self.lineCount)
    }

    // MARK: Snapshots

    var count: Int {
        let dequeue = words[Self.dequeueWord].load(ordering: .sequentiallyConsistent)
        return positions.count(
            dequeue: dequeue, enqueueWord: words[Self.enqueueWord].load(ordering: .sequentiallyConsistent))
    }
    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count >= positions.capacity }
    var isShutDown: Bool {
        RingPositions.isShutDown(words[Self.enqueueWord].load(ordering: .sequentiallyConsistent))
    }
    var unfinishedTasks: Int {
        let done = words[Self.doneWord].load(ordering: .sequentiallyConsistent)
        return RingPositions.unfinished(
            done: done, enqueueWord: words[Self.enqueueWord].load(ordering: .sequentiallyConsistent))
    }

    /// For tests: how many threads and tasks wait to get, to put, to join.
    var waitingCounts: (getters: Int, putters: Int, joiners: Int) {
        state.withLock { ($0.getters.count, $0.putters.count, $0.joiners.count) }
    }

    // MARK: The ring

    /// Claims the next slot and publishes `item` in it; wakes nobody.
    @inlinable
    func publish(_ item: Element) -> PutResult {
        switch claim() {
        case .claimed(let position):
            fill(position, with: item)
            return .put
        case .full: return .full
        case .shutDown: return .shutDown
        }
    }

    /// Claims the next position for a put (the put's linearization point), unless the
    /// queue is full or shut down.
    @inlinable
    func claim() -> Claim {
        var position = words[Self.enqueueWord].load(ordering: .relaxed)
        while true {
            if RingPositions.isShutDown(position) { return .shutDown }
            let sequence = slots.sequence(positions.cell(of: position)).pointee.load(
                ordering: .sequentiallyConsistent)
            switch positions.putTurn(sequence: sequence, position: position) {
            case .claim:
                let (claimed, seen) = words[Self.enqueueWord].compareExchange(
                    expected: position, desired: position + 1, ordering: .sequentiallyConsistent)
                if claimed { return .claimed(position) }
                position = seen
            case .full:
                return .full
            case .behind:
                position = words[Self.enqueueWord].load(ordering: .relaxed)
            }
        }
    }

    /// Stores `item` in the slot of the claimed `position` and publishes it.
    @inlinable
    func fill(_ position: Int, with item: Element) {
        let cell = positions.cell(of: position)
        slots.item(cell).pointee = item
        if !slots.sequence(cell).pointee.compareExchange(
            expected: RingPositions.free(for: position), desired: RingPositions.published(at: position),
            ordering: .sequentiallyConsistent
        ).exchanged {
            // An immediate shutdown took this slot while it was being filled: the put
            // happened before the shutdown, which dropped it. Release the item here,
            // exactly once (never under the lock: a shutdown, which holds it, cannot run
            // between a claim and its fill when the caller holds it).
            releaseAbandoned(cell)
        }
    }

    @usableFromInline
    func releaseAbandoned(_ cell: Int) {
        let dropped = slots.item(cell).pointee.take()
        _ = consume dropped
    }

    /// Claims the oldest published item, if any; wakes nobody.
    @inlinable
    func take() -> GetResult {
        var position = words[Self.dequeueWord].load(ordering: .relaxed)
        while true {
            let cell = positions.cell(of: position)
            let sequence = slots.sequence(cell).pointee.load(ordering: .sequentiallyConsistent)
            switch positions.getTurn(sequence: sequence, position: position) {
            case .claim:
                let (claimed, seen) = words[Self.dequeueWord].compareExchange(
                    expected: position, desired: position + 1, ordering: .sequentiallyConsistent)
                guard claimed else {
                    position = seen
                    continue
                }
                let item = slots.item(cell).pointee.take()
                slots.sequence(cell).pointee.store(
                    positions.freed(after: position), ordering: .sequentiallyConsistent)
                guard let item else { return .empty }  // a published cell always holds its item
                return .item(item)
            case .unpublished:
                let enqueue = words[Self.enqueueWord].load(ordering: .sequentiallyConsistent)
                return RingPositions.isDrained(at: position, enqueueWord: enqueue) ? .shutDown : .empty
            case .behind:
                position = words[Self.dequeueWord].load(ordering: .relaxed)
            }
        }
    }

    @inlinable @inline(__always)
    func hasSleeping(_ word: Int) -> Bool {
        words[word].load(ordering: .sequentiallyConsistent) != 0
    }

    /// Mirrors the list sizes into the sleeper atomics. Under the lock; read-modify-writes,
    /// so a waiter's announcement is ordered before its second look at the ring.
    func mirror(_ sizes: RingQueueState.Sizes) {
        _ = words[Self.sleepingGetters].exchange(sizes.getters, ordering: .sequentiallyConsistent)
        _ = words[Self.sleepingPutters].exchange(sizes.putters, ordering: .sequentiallyConsistent)
        _ = words[Self.sleepingJoiners].exchange(sizes.joiners, ordering: .sequentiallyConsistent)
    }

    /// Wakes the oldest getter, if one is still listed (out of line: the fast path only
    /// calls it when the sleeper count says one is).
    @usableFromInline
    func wakeGetter() { wakeOne(.getter) }

    /// Wakes the oldest putter, if one is still listed.
    @usableFromInline
    func wakePutter() { wakeOne(.putter) }

    /// Wakes the oldest waiter of `kind`, if one is still listed.
    func wakeOne(_ kind: RingQueueState.Kind) {
        let waiter = state.withLock { state -> Waiter? in
            guard case .wake(let waiter, let sizes) = state.wakeOne(kind) else { return nil }
            mirror(sizes)
            return waiter
        }
        waiter?.resume()
    }
}

extension RingQueueStorage {
    /// What an attempt to put into the ring did. Nobody is woken yet: the caller may hold
    /// the lock, and wakes after unlocking.
    @usableFromInline
    enum PutResult: Equatable, Sendable {
        case put
        case full
        case shutDown
    }

    /// What a put's claim on the next position found.
    @usableFromInline
    enum Claim: Equatable, Sendable {
        case claimed(Int)
        case full
        case shutDown
    }

    /// What an attempt to get from the ring found.
    @usableFromInline
    enum GetResult {
        case item(Element)
        case empty
        case shutDown
    }
}
