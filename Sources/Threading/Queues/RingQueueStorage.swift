import Synchronization

/// Where the ring's slots live: one allocation of `capacity` slots, each a sequence number
/// (an `Atomic<Int>`, see `RingPositions`) followed by the item while it is published.
///
/// The two fields are reached through separate typed pointers rather than one struct, so
/// an access to the item never overlaps the atomic: Swift treats a mutation through a
/// struct pointer as an access to the whole struct, which ThreadSanitizer reports as a race
/// with a concurrent atomic load of its sequence number. Side by side, a hand-over touches
/// one cache line for small items.
@usableFromInline
struct RingSlots<Element>: @unchecked Sendable {
    // The memory is owned by `RingQueueStorage`, which frees it in `deinit`; the atomics
    // order every access to an item (see `item(_:)`).
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let stride: Int
    @usableFromInline let itemOffset: Int
    let count: Int

    init(count: Int) {
        let alignment = Swift.max(MemoryLayout<Atomic<Int>>.alignment, MemoryLayout<Element?>.alignment)
        let itemOffset = Self.roundUp(MemoryLayout<Atomic<Int>>.size, to: MemoryLayout<Element?>.alignment)
        self.itemOffset = itemOffset
        stride = Self.roundUp(itemOffset + MemoryLayout<Element?>.size, to: alignment)
        self.count = count
        base = .allocate(byteCount: stride * count, alignment: alignment)
        for index in 0..<count {
            (base + index * stride).bindMemory(to: Atomic<Int>.self, capacity: 1)
                .initialize(to: Atomic(RingPositions.free(for: index)))
            (base + index * stride + itemOffset).bindMemory(to: Element?.self, capacity: 1).initialize(
                to: nil)
        }
    }

    static func roundUp(_ value: Int, to alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }

    /// The sequence number of slot `index`.
    @inlinable @inline(__always)
    func sequence(_ index: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        (base + index &* stride).assumingMemoryBound(to: Atomic<Int>.self)
    }

    /// The item of slot `index`: written only by the put that claimed the slot's position,
    /// read only by the get that claimed it (or by an immediate shutdown that took the
    /// position away); the sequence number hands it from one to the other.
    @inlinable @inline(__always)
    func item(_ index: Int) -> UnsafeMutablePointer<Element?> {
        (base + (index &* stride &+ itemOffset)).assumingMemoryBound(to: Element?.self)
    }

    /// Releases the items still held and frees the memory. Only when no put or get runs.
    func free() {
        for index in 0..<count {
            item(index).deinitialize(count: 1)
            sequence(index).deinitialize(count: 1)
        }
        base.deallocate()
    }
}

/// What an attempt to put into the ring did. Nobody is woken yet: the caller may hold the
/// lock, and wakes after unlocking.
@usableFromInline
enum RingPutResult: Equatable, Sendable {
    case put
    case full
    case shutDown
}

/// What a put's claim on the next position found.
@usableFromInline
enum RingClaim: Equatable, Sendable {
    case claimed(Int)
    case full
    case shutDown
}

/// What an attempt to get from the ring found.
@usableFromInline
enum RingGetResult<Element> {
    case item(Element)
    case empty
    case shutDown
}

/// The storage of a bounded `Queue`: a lock-free ring of `maxsize` slots (Vyukov's bounded
/// MPMC queue) for the items, and one `StateLock` that only waiters, wakers and `shutdown`
/// take.
///
/// Why not one lock around the items (as `QueueStorage` does for the other queues): with
/// producers and consumers on both cores, that lock is the bottleneck — a profile of
/// W3 showed ~40% of the CPU in its contended path and ~50% in the critical sections,
/// while parking cost nothing (1.6k futex calls per 1M items). Here a put that need not
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

    @usableFromInline static var enqueueWord: Int { 0 }
    @usableFromInline static var dequeueWord: Int { 16 }
    @usableFromInline static var doneWord: Int { 32 }
    @usableFromInline static var sleepingGetters: Int { 48 }
    @usableFromInline static var sleepingPutters: Int { 49 }
    @usableFromInline static var sleepingJoiners: Int { 50 }
    static var wordCount: Int { 64 }

    var maxsize: Int { positions.capacity }

    init(capacity: Int) {
        positions = RingPositions(capacity: capacity)
        slots = RingSlots(count: capacity)
        words = .allocate(capacity: Self.wordCount)
        for index in 0..<Self.wordCount {
            (words + index).initialize(to: Atomic(0))
        }
        state = StateLock(RingQueueState())
    }

    deinit {
        // No put or get can be running (they hold a reference): the items still in the ring
        // are released here, exactly once; abandoned slots were emptied by their puts.
        slots.free()
        words.deinitialize(count: Self.wordCount)
        words.deallocate()
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
    func publish(_ item: Element) -> RingPutResult {
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
    func claim() -> RingClaim {
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
    func take() -> RingGetResult<Element> {
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

    // MARK: Put

    /// Puts `item` if there is room now (waking a getter only if one is listed); `false`
    /// when full. The fast path of every put, specialized in the caller.
    @inlinable
    func tryPut(_ item: Element) throws(QueueError) -> Bool {
        switch publish(item) {
        case .put:
            if hasSleeping(Self.sleepingGetters) { wakeGetter() }
            if DiagnosticsHooks.isActive { DiagnosticsHooks.queuePut(self) }
            return true
        case .full: return false
        case .shutDown: throw .shutDown
        }
    }

    /// The slow path of the blocking `put(_:)`: waits for room without limit.
    @usableFromInline
    func putWaiting(_ item: Element) throws(QueueError) {
        try put(item, deadline: .never)
    }

    /// A put that waited and then put its item: the usual wake-up of a getter, and the
    /// wake-up it may have taken from another putter passed on while room remains.
    func didPutAfterWaiting() {
        if hasSleeping(Self.sleepingGetters) { wakeOne(.getter) }
        if hasSleeping(Self.sleepingPutters) && !isFull && !isShutDown { wakeOne(.putter) }
        if DiagnosticsHooks.isActive { DiagnosticsHooks.queuePut(self) }
    }

    /// Lists `waiter` as a putter, then looks at the ring once more; withdraws it again
    /// unless the queue is still full.
    func listAndPut(_ item: Element, _ waiter: Waiter, in state: inout RingQueueState) -> RingPutResult {
        mirror(state.list(waiter, as: .putter))
        let result = publish(item)
        if result != .full { mirror(state.withdraw(id: waiter.id, as: .putter).1) }
        return result
    }

    func withdraw(id: UInt64, as kind: RingQueueState.Kind) -> Waiter? {
        state.withLock { state in
            let (waiter, sizes) = state.withdraw(id: id, as: kind)
            mirror(sizes)
            return waiter
        }
    }

    /// Puts `item`, waiting for room until `deadline`; `nil` means do not wait.
    func put(_ item: Element, deadline: Deadline?) throws(QueueError) {
        if try tryPut(item) { return }
        guard let deadline else { throw .full }
        let trace = DiagnosticsHooks.isActive ? DiagnosticsHooks.waitBegan(.queuePut, object: self) : nil
        var satisfied = false
        defer { DiagnosticsHooks.waitEnded(trace, satisfied: satisfied) }
        while true {
            var result = RingPutResult.full
            let woken = blockAsWaiter(deadline: deadline) { waiter in
                result = state.withLock { listAndPut(item, waiter, in: &$0) }
                return result == .full ? .listed : .proceed
            } withdraw: { id in
                withdraw(id: id, as: .putter) != nil
            }
            switch result {
            case .put: break
            case .shutDown: throw .shutDown
            case .full:
                // Woken: retry. Timed out and withdrawn: one last look, as Python does.
                if woken { continue }
                switch publish(item) {
                case .put: break
                case .full: throw .full
                case .shutDown: throw .shutDown
                }
            }
            satisfied = true
            didPutAfterWaiting()
            return
        }
    }

    /// Puts `item`, suspending the task while the queue is full. A cancelled task never
    /// puts: it throws `CancellationError`, passing on any wake-up it was given.
    func put(_ item: Element) async throws {
        while true {
            var result = RingPutResult.full
            try await suspendAsWaiter { waiter in
                let (registration, passOn) = state.withLock { state -> (Registration, Waiter?) in
                    if Task.isCancelled { return (.cancelled, abandon(.putter, in: &state)) }
                    result = listAndPut(item, waiter, in: &state)
                    return (result == .full ? .listed : .proceed, nil)
                }
                passOn?.resume()
                return registration
            } withdraw: { id in
                self.withdraw(id: id, as: .putter)
            }
            switch result {
            case .put:
                didPutAfterWaiting()
                return
            case .shutDown: throw QueueError.shutDown
            case .full: continue  // woken by a get or a shutdown: retry
            }
        }
    }

    /// A waiter that gives up without its operation (a cancelled task) may have been
    /// chosen by a waker: the next waiter of its kind, to wake in its place, if there is
    /// an item (or room) it may have been woken for.
    func abandon(_ kind: RingQueueState.Kind, in state: inout RingQueueState) -> Waiter? {
        let mayProceed =
            switch kind {
            case .getter: count > 0
            case .putter: !isFull && !isShutDown
            case .joiner: false
            }
        guard mayProceed, case .wake(let waiter, let sizes) = state.wakeOne(kind) else { return nil }
        mirror(sizes)
        return waiter
    }

    // MARK: Get

    /// Gets an item if there is one now (waking a putter only if one is listed); `nil`
    /// when empty. The fast path of every get, specialized in the caller.
    @inlinable
    func tryGet() throws(QueueError) -> Element? {
        switch take() {
        case .item(let item):
            if hasSleeping(Self.sleepingPutters) { wakePutter() }
            if DiagnosticsHooks.isActive { DiagnosticsHooks.queueGot(self) }
            return item
        case .empty: return nil
        case .shutDown: throw .shutDown
        }
    }

    /// The slow path of the blocking `get()`: waits for an item without limit.
    @usableFromInline
    func getWaiting() throws(QueueError) -> Element {
        try get(deadline: .never)
    }

    /// A get that waited and then ended (with an item or at the end of a shut-down queue):
    /// the usual wake-up of a putter, and the wake-up it may have taken from another
    /// getter passed on while items remain or the end has come.
    func didGetAfterWaiting(gotItem: Bool) {
        if gotItem && hasSleeping(Self.sleepingPutters) { wakeOne(.putter) }
        if hasSleeping(Self.sleepingGetters) && (count > 0 || isShutDown) { wakeOne(.getter) }
        if gotItem && DiagnosticsHooks.isActive { DiagnosticsHooks.queueGot(self) }
    }

    /// Lists `waiter` as a getter, then looks at the ring once more; withdraws it again
    /// unless there is still nothing to get.
    func listAndTake(_ waiter: Waiter, in state: inout RingQueueState) -> RingGetResult<Element> {
        mirror(state.list(waiter, as: .getter))
        let result = take()
        if case .empty = result {
            return result
        }
        mirror(state.withdraw(id: waiter.id, as: .getter).1)
        return result
    }

    /// Gets an item, waiting for one until `deadline`; `nil` means do not wait.
    func get(deadline: Deadline?) throws(QueueError) -> Element {
        if let item = try tryGet() { return item }
        guard let deadline else { throw .empty }
        let trace = DiagnosticsHooks.isActive ? DiagnosticsHooks.waitBegan(.queueGet, object: self) : nil
        var satisfied = false
        defer { DiagnosticsHooks.waitEnded(trace, satisfied: satisfied) }
        while true {
            var result = RingGetResult<Element>.empty
            let woken = blockAsWaiter(deadline: deadline) { waiter in
                result = state.withLock { listAndTake(waiter, in: &$0) }
                if case .empty = result { return .listed }
                return .proceed
            } withdraw: { id in
                withdraw(id: id, as: .getter) != nil
            }
            switch result {
            case .item(let item):
                satisfied = true
                didGetAfterWaiting(gotItem: true)
                return item
            case .shutDown:
                didGetAfterWaiting(gotItem: false)
                throw .shutDown
            case .empty:
                if woken { continue }
                // Timed out and withdrawn: one last look, as Python does.
                switch take() {
                case .item(let item):
                    satisfied = true
                    didGetAfterWaiting(gotItem: true)
                    return item
                case .empty: throw .empty
                case .shutDown: throw .shutDown
                }
            }
        }
    }

    /// Gets an item, suspending the task while the queue is empty. A cancelled task never
    /// takes an item: it throws `CancellationError`, passing on any wake-up it was given.
    func get() async throws -> Element {
        while true {
            var result = RingGetResult<Element>.empty
            try await suspendAsWaiter { waiter in
                let (registration, passOn) = state.withLock { state -> (Registration, Waiter?) in
                    if Task.isCancelled { return (.cancelled, abandon(.getter, in: &state)) }
                    result = listAndTake(waiter, in: &state)
                    if case .empty = result { return (.listed, nil) }
                    return (.proceed, nil)
                }
                passOn?.resume()
                return registration
            } withdraw: { id in
                self.withdraw(id: id, as: .getter)
            }
            switch result {
            case .item(let item):
                didGetAfterWaiting(gotItem: true)
                return item
            case .shutDown:
                didGetAfterWaiting(gotItem: false)
                throw QueueError.shutDown
            case .empty: continue  // woken by a put or a shutdown: retry
            }
        }
    }

    // MARK: Tasks

    /// Whether every claimed put has been marked done (or dropped). Reads `done` first: the
    /// enqueue counter only grows, so equal values mean the count was zero when `done` was
    /// read.
    var allTasksDone: Bool { unfinishedTasks == 0 }

    func taskDone() throws(QueueError) {
        var done = words[Self.doneWord].load(ordering: .sequentiallyConsistent)
        while true {
            let enqueue = words[Self.enqueueWord].load(ordering: .sequentiallyConsistent)
            guard RingPositions.unfinished(done: done, enqueueWord: enqueue) > 0 else {
                throw .tooManyTaskDone
            }
            let (counted, seen) = words[Self.doneWord].compareExchange(
                expected: done, desired: done + 1, ordering: .sequentiallyConsistent)
            if counted { break }
            done = seen
        }
        if hasSleeping(Self.sleepingJoiners) { wakeJoinersIfDone() }
    }

    func wakeJoinersIfDone() {
        let joiners = state.withLock { state -> [Waiter] in
            guard allTasksDone else { return [] }
            let (joiners, sizes) = state.allTasksDone()
            mirror(sizes)
            return joiners
        }
        for joiner in joiners { joiner.resume() }
    }

    /// Lists `waiter` as a joiner, then looks at the count once more.
    func listJoiner(_ waiter: Waiter, in state: inout RingQueueState) -> Registration {
        mirror(state.list(waiter, as: .joiner))
        guard allTasksDone else { return .listed }
        mirror(state.withdraw(id: waiter.id, as: .joiner).1)
        return .proceed
    }

    /// Blocks until the unfinished count reaches zero (at once if it is zero).
    func join() {
        if allTasksDone { return }
        _ = blockAsWaiter(deadline: .never) { waiter in
            state.withLock { listJoiner(waiter, in: &$0) }
        } withdraw: { id in
            withdraw(id: id, as: .joiner) != nil
        }
    }

    func join() async throws {
        try await suspendAsWaiter { waiter in
            state.withLock { state in Task.isCancelled ? .cancelled : listJoiner(waiter, in: &state) }
        } withdraw: { id in
            self.withdraw(id: id, as: .joiner)
        }
    }

    // MARK: Shutdown

    func shutdown(immediate: Bool) {
        var dropped: [Element] = []
        let wake = state.withLock { state -> [Waiter] in
            // Stops every later put; the puts that claimed a position before it count.
            let enqueue = words[Self.enqueueWord].bitwiseOr(
                RingPositions.shutDownBit, ordering: .sequentiallyConsistent
            ).newValue
            if immediate {
                dropped = dropAll(upTo: RingPositions.position(enqueue))
            }
            let (wake, sizes) = state.shutdown(nothingUnfinished: immediate && allTasksDone)
            mirror(sizes)
            return wake
        }
        for waiter in wake { waiter.resume() }
        // The dropped items' deinits run here, outside the lock.
        dropped.removeAll()
    }

    /// Takes every position no get has claimed, up to the frozen enqueue position `end`:
    /// the published items are returned (to release after unlocking), the slots still
    /// being filled are abandoned to their puts. Each counts as done. Under the lock.
    func dropAll(upTo end: Int) -> [Element] {
        let start = words[Self.dequeueWord].exchange(end, ordering: .sequentiallyConsistent)
        guard start < end else { return [] }
        var dropped: [Element] = []
        for position in start..<end {
            let cell = positions.cell(of: position)
            let (abandoned, seen) = slots.sequence(cell).pointee.compareExchange(
                expected: RingPositions.free(for: position), desired: RingPositions.abandoned,
                ordering: .sequentiallyConsistent)
            if abandoned || seen != RingPositions.published(at: position) { continue }
            if let item = slots.item(cell).pointee.take() { dropped.append(item) }
            slots.sequence(cell).pointee.store(
                positions.freed(after: position), ordering: .sequentiallyConsistent)
        }
        var done = words[Self.doneWord].load(ordering: .sequentiallyConsistent)
        while true {
            let target = RingPositions.done(done, afterDropping: end - start, enqueueWord: end)
            let (counted, seen) = words[Self.doneWord].compareExchange(
                expected: done, desired: target, ordering: .sequentiallyConsistent)
            if counted { break }
            done = seen
        }
        return dropped
    }
}
