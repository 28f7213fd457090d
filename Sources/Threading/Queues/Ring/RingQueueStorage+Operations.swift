import Synchronization

// The ring queue's operations: the fast paths (`tryPut`/`tryGet`, inlinable) and the
// waiting around them, for threads and tasks. See `RingQueueStorage` for the design.
extension RingQueueStorage {
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
    func listAndPut(_ item: Element, _ waiter: Waiter, in state: inout RingQueueState) -> PutResult {
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
            var result = PutResult.full
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
        // The lock-free fast path first; a cancelled task goes on to throw.
        if !Task.isCancelled, try tryPut(item) { return }
        while true {
            var result = PutResult.full
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
    func listAndTake(_ waiter: Waiter, in state: inout RingQueueState) -> GetResult {
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
            var result = GetResult.empty
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
        // The lock-free fast path first; a cancelled task goes on to throw.
        if !Task.isCancelled, let item = try tryGet() { return item }
        while true {
            var result = GetResult.empty
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
