import Testing
import ThreadingTestSupport

@testable import Threading

/// `QueueState` without threads: every sequence of events up to a small bound, against a
/// model, with woken waiters retrying at once as real ones do.
@Suite(.hangGuard)
struct QueueStateTests {
    typealias State = QueueState<FIFOBuffer<Int>>

    static func waiter() -> Waiter {
        Waiter(id: Waiter.nextID(), handle: .thread(ThreadParker()))
    }

    enum Role {
        case getter
        case putter(Int)
        case joiner
    }

    enum Event: CaseIterable {
        case putNowait, putWait, getNowait, getWait, taskDone, joinWait, withdrawOldest, shutdown, shutdownNow
    }

    /// Drives a `State` and a model of what should be in it.
    struct Harness {
        var state: State
        var model: [Int] = []  // FIFO contents
        var listed: [UInt64: Role] = [:]
        var order: [UInt64] = []  // ids in listing order, for withdrawOldest
        var nextValue = 0
        var putCount = 0
        var doneCount = 0
        var droppedCounted = 0
        var delivered: [Int] = []
        var droppedItems = 0
        var shutDown = false

        init(maxsize: Int) { state = State(maxsize: maxsize) }

        var isFull: Bool { state.maxsize > 0 && model.count >= state.maxsize }

        mutating func list(_ w: Waiter, _ role: Role) {
            listed[w.id] = role
            order.append(w.id)
        }

        mutating func unlist(_ id: UInt64) -> Role? {
            order.removeAll { $0 == id }
            return listed.removeValue(forKey: id)
        }

        /// Woken waiters retry at once, as a real thread does; cascades are followed.
        mutating func resolve(_ woken: [Waiter]) {
            var work = woken
            while !work.isEmpty {
                let w = work.removeFirst()
                guard let role = unlist(w.id) else {
                    Issue.record("woke a waiter that was not listed")
                    continue
                }
                switch role {
                case .getter: work += get(w)
                case .putter(let v): work += put(v, w)
                case .joiner: #expect(state.unfinishedTasks == 0, "joiner woken with unfinished tasks")
                }
            }
        }

        mutating func put(_ value: Int, _ w: Waiter?) -> [Waiter] {
            let wasFull = isFull
            switch state.put(value, waiter: w) {
            case .enqueued(let wake):
                #expect(!shutDown && !wasFull)
                model.append(value)
                putCount += 1
                return wake.map { [$0] } ?? []
            case .full:
                #expect(w == nil && wasFull && !shutDown)
            case .listed:
                #expect(w != nil && wasFull && !shutDown)
                if let w { list(w, .putter(value)) }
            case .shutDown:
                #expect(shutDown)
            }
            return []
        }

        mutating func get(_ w: Waiter?) -> [Waiter] {
            switch state.get(waiter: w) {
            case .item(let value, let wake):
                #expect(value == model.first)
                if !model.isEmpty { model.removeFirst() }
                delivered.append(value)
                return wake.map { [$0] } ?? []
            case .empty:
                #expect(w == nil && model.isEmpty && !shutDown)
            case .listed:
                #expect(w != nil && model.isEmpty && !shutDown)
                if let w { list(w, .getter) }
            case .shutDown:
                #expect(shutDown && model.isEmpty)
            }
            return []
        }

        mutating func apply(_ event: Event) {
            switch event {
            case .putNowait:
                nextValue += 1
                resolve(put(nextValue, nil))
            case .putWait:
                nextValue += 1
                resolve(put(nextValue, QueueStateTests.waiter()))
            case .getNowait: resolve(get(nil))
            case .getWait: resolve(get(QueueStateTests.waiter()))
            case .taskDone:
                let unfinished = state.unfinishedTasks
                switch state.taskDone() {
                case .tooMany: #expect(unfinished == 0)
                case .done(let wake):
                    #expect(unfinished > 0)
                    doneCount += 1
                    resolve(wake)
                }
            case .joinWait:
                let w = QueueStateTests.waiter()
                switch state.join(w) {
                case .proceed: #expect(state.unfinishedTasks == 0)
                case .listed: list(w, .joiner)
                case .cancelled: Issue.record("join cannot be cancelled here")
                }
            case .withdrawOldest:
                guard let id = order.first else { return }
                let role = unlist(id)
                let removed: Waiter?
                switch role {
                case .getter: removed = state.withdrawGetter(id: id)
                case .putter: removed = state.withdrawPutter(id: id)
                case .joiner: removed = state.withdrawJoiner(id: id)
                case nil: removed = nil
                }
                #expect(removed?.id == id)
            case .shutdown, .shutdownNow:
                let immediate = event == .shutdownNow
                let unfinished = state.unfinishedTasks
                let action = state.shutdown(immediate: immediate)
                shutDown = true
                if immediate {
                    #expect(action.dropped?.count == model.count)
                    let counted = min(unfinished, model.count)
                    droppedCounted += counted
                    droppedItems += model.count
                    model.removeAll()
                } else {
                    #expect(action.dropped == nil)
                }
                resolve(action.wake)
            }
            check()
        }

        func check() {
            // One expectation per step (not one per property): the exhaustive run makes
            // hundreds of thousands of steps.
            let ok =
                state.checkInvariants()
                && state.count == model.count
                // Nothing duplicated.
                && Set(delivered).count == delivered.count
                // Liveness: once woken waiters have retried, no one waits who could proceed.
                && (state.getters.isEmpty || (model.isEmpty && !shutDown))
                && (state.putters.isEmpty || (isFull && !shutDown))
                && (state.joiners.isEmpty || state.unfinishedTasks > 0)
                && state.getters.count + state.putters.count + state.joiners.count == listed.count
                // Python's accounting: one unfinished task per item put, minus those
                // marked done, minus the dropped items an immediate shutdown counted.
                && state.unfinishedTasks == putCount - doneCount - droppedCounted
                // Nothing lost: every item put was got, is still here, or was dropped.
                && delivered.count + model.count + droppedItems == putCount
            if !ok { Issue.record("inconsistent state: \(state) model: \(model)") }
        }
    }

    static func sequences(of length: Int) -> [[Event]] {
        var result: [[Event]] = [[]]
        for _ in 0..<length {
            result = result.flatMap { prefix in Event.allCases.map { prefix + [$0] } }
        }
        return result
    }

    @Test(arguments: [0, 1, 2])
    func everySequenceOfFiveEvents(maxsize: Int) {
        for sequence in Self.sequences(of: Stress.underTSan ? 4 : 5) {
            var harness = Harness(maxsize: maxsize)
            for event in sequence { harness.apply(event) }
        }
    }

    @Test func deliveryOrderPerBuffer() {
        var fifo = FIFOBuffer<Int>()
        var lifo = LIFOBuffer<Int>()
        var priority = PriorityBuffer<Int>()
        for value in [111, 333, 222] {
            fifo.insert(value)
            lifo.insert(value)
            priority.insert(value)
        }
        #expect([fifo.remove(), fifo.remove(), fifo.remove(), fifo.remove()] == [111, 333, 222, nil])
        #expect([lifo.remove(), lifo.remove(), lifo.remove(), lifo.remove()] == [222, 333, 111, nil])
        #expect(
            [priority.remove(), priority.remove(), priority.remove(), priority.remove()] == [
                111, 222, 333, nil,
            ])
    }

    struct Job: Comparable, Sendable {
        let priority: Int
        let name: String
        static func < (a: Job, b: Job) -> Bool { a.priority < b.priority }
        static func == (a: Job, b: Job) -> Bool { a.priority == b.priority }
    }

    @Test func priorityBufferIsStableAmongEquals() {
        var buffer = PriorityBuffer<Job>()
        let jobs = [
            Job(priority: 2, name: "a"), Job(priority: 1, name: "b"), Job(priority: 2, name: "c"),
            Job(priority: 1, name: "d"), Job(priority: 2, name: "e"),
        ]
        for job in jobs { buffer.insert(job) }
        var names: [String] = []
        while let job = buffer.remove() { names.append(job.name) }
        #expect(names == ["b", "d", "a", "c", "e"])
    }

    @Test func abandonGetPassesTheWakeUpOnOnlyWhileAnItemRemains() {
        var state = State(maxsize: 0)
        let first = Self.waiter()
        let second = Self.waiter()
        #expect(state.get(waiter: first).isListed)
        #expect(state.get(waiter: second).isListed)
        guard case .enqueued(let wake) = state.put(1, waiter: nil) else {
            Issue.record("put refused")
            return
        }
        #expect(wake?.id == first.id)
        // `first` was chosen but gives up (a cancelled task): `second` is woken instead.
        #expect(state.abandonGet()?.id == second.id)
        #expect(state.abandonGet() == nil)  // no one left to wake
        #expect(state.count == 1)
        // With nothing left to get, giving up wakes no one.
        var empty = State(maxsize: 0)
        #expect(empty.get(waiter: Self.waiter()).isListed)
        #expect(empty.abandonGet() == nil)
        #expect(empty.getters.count == 1)
    }

    @Test func abandonPutPassesTheWakeUpOnOnlyWhileThereIsRoom() {
        var state = State(maxsize: 1)
        _ = state.put(1, waiter: nil)
        let first = Self.waiter()
        let second = Self.waiter()
        #expect(state.put(2, waiter: first).isListed)
        #expect(state.put(3, waiter: second).isListed)
        #expect(state.abandonPut() == nil)  // full: nothing to pass on
        guard case .item(1, let wake) = state.get(waiter: nil) else {
            Issue.record("get failed")
            return
        }
        #expect(wake?.id == first.id)
        #expect(state.abandonPut()?.id == second.id)
        #expect(state.checkInvariants())
    }

    @Test func immediateShutdownCountsOnlyUnfinishedItems() {
        var state = State(maxsize: 0)
        for value in 1...3 { _ = state.put(value, waiter: nil) }
        for _ in 1...3 {
            guard case .done = state.taskDone() else {
                Issue.record("taskDone refused")
                return
            }
        }
        // Three items still queued, none unfinished: the count stays at zero.
        let action = state.shutdown(immediate: true)
        #expect(action.dropped?.count == 3)
        #expect(state.unfinishedTasks == 0)
        #expect(state.count == 0)
    }

    @Test func secondShutdownMayBeImmediate() {
        var state = State(maxsize: 0)
        _ = state.put(1, waiter: nil)
        #expect(state.shutdown(immediate: false).dropped == nil)
        #expect(state.count == 1)
        #expect(state.shutdown(immediate: true).dropped?.count == 1)
        #expect(state.count == 0)
        #expect(state.unfinishedTasks == 0)
        #expect(state.shutdown(immediate: false).wake.isEmpty)
        #expect(state.phase == .shutDown)
    }
}

extension QueueState.PutAction {
    var isListed: Bool {
        if case .listed = self { return true }
        return false
    }
}

extension QueueState.GetAction {
    var isListed: Bool {
        if case .listed = self { return true }
        return false
    }
}
