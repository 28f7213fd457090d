import Testing

@testable import Threading

/// ThreadPoolState and AsCompletedState without threads: every event sequence up to a
/// bound, checking conservation of work (every accepted item ends exactly once: run,
/// cancelled, failed, orphaned or still queued), the worker limit and the invariants.
@Suite(.timeLimit(.minutes(2)))
struct ThreadPoolExecutorStateTests {
    struct Item: PoolQueueItem, Equatable {
        let id: Int
        let isCancellable: Bool
    }

    enum WorkerStatus: Equatable { case active, spinning, sleeping, exited }

    enum Event: Equatable {
        case submit(job: Bool)
        case next(Int)
        case endSpin(Int)
        case shutdown(cancel: Bool)
        case initializerFailed(Int)
    }

    struct Model {
        var state = ThreadPoolState<Item, Int>(maxWorkers: 2)
        var workers: [WorkerStatus] = []
        var accepted: [Int] = []
        var ended: [Int] = []
        var nextID = 0

        func events() -> [Event] {
            var events: [Event] = [
                .submit(job: false), .submit(job: true), .shutdown(cancel: false), .shutdown(cancel: true),
            ]
            for (w, status) in workers.enumerated() {
                if status == .active { events += [.next(w), .initializerFailed(w)] }
                if status == .spinning { events.append(.endSpin(w)) }
            }
            return events
        }

        mutating func wake(_ sleeper: Int) {
            #expect(workers[sleeper] == .sleeping)
            workers[sleeper] = .active
        }

        mutating func worker(_ w: Int, _ action: ThreadPoolState<Item, Int>.WorkerAction) {
            switch action {
            case .run(let item, let wake):
                ended.append(item.id)
                if let wake { self.wake(wake) }
            case .spin: workers[w] = .spinning
            case .sleep: workers[w] = .sleeping
            case .exit(let last):
                workers[w] = .exited
                #expect(last == (state.workerCount == 0))
            }
        }

        mutating func apply(_ event: Event) {
            let wasRunning = state.phase == .running
            switch event {
            case .submit(let job):
                let item = Item(id: nextID, isCancellable: !job)
                nextID += 1
                let idleBefore = state.idleCount
                switch state.submit(item) {
                case .wake(let sleeper):
                    accepted.append(item.id)
                    wake(sleeper)
                case .startWorker(let index):
                    accepted.append(item.id)
                    #expect(idleBefore == 0)
                    #expect(index == workers.count)
                    workers.append(.active)
                case .nudgeSpinner:
                    accepted.append(item.id)
                    // Only the spinner's own item: it takes it without a wake-up.
                    #expect(workers.contains(.spinning) && state.queue.count == 1)
                case .queued:
                    accepted.append(item.id)
                    // Nobody to wake and no worker to start.
                    #expect(state.idleCount == 0 && state.workerCount == 2)
                case .rejected:
                    #expect(!wasRunning)
                }
            case .next(let w): worker(w, state.next(w))
            case .endSpin(let w): worker(w, state.endSpin(w))
            case .shutdown(let cancel):
                let action = state.shutdown(cancelFutures: cancel)
                for sleeper in action.wake { wake(sleeper) }
                for item in action.cancelled {
                    #expect(item.isCancellable)
                    ended.append(item.id)
                }
                #expect(state.phase != .running)
            case .initializerFailed(let w):
                let action = state.initializerFailed("boom")
                workers[w] = .exited
                for sleeper in action.wake { wake(sleeper) }
                for item in action.failed + action.orphaned { ended.append(item.id) }
                #expect(action.failed.allSatisfy { $0.isCancellable })
                #expect(action.orphaned.isEmpty || state.workerCount == 0)
                #expect(action.error == .broken("boom"))
                if case .broken = state.phase {} else { Issue.record("not broken") }
            }
            #expect(state.checkInvariants())
            #expect(state.workerCount <= 2)
            #expect(state.workerCount == workers.filter { $0 != .exited }.count)
            // Conservation: every accepted item ended once or is still queued.
            let queued = state.queue.map(\.id)
            #expect((ended + queued).sorted() == accepted.sorted())
            #expect(Set(ended).count == ended.count)
            // Liveness: queued work always has a worker that will look at it.
            if !state.queue.isEmpty {
                #expect(workers.contains { $0 == .active || $0 == .spinning } || state.workerCount == 0)
            }
        }
    }

    /// Returns how many sequences were checked.
    func explore(_ model: Model, depth: Int) -> Int {
        guard depth > 0 else { return 1 }
        var count = 0
        for event in model.events() {
            var next = model
            next.apply(event)
            count += explore(next, depth: depth - 1)
        }
        return count
    }

    @Test func everySequenceUpToSixEvents() {
        #expect(explore(Model(), depth: 6) > 10_000)
    }

    @Test func submitStartsWorkersOnlyWithoutIdleOnes() {
        var state = ThreadPoolState<Item, Int>(maxWorkers: 2)
        guard case .startWorker(0) = state.submit(Item(id: 0, isCancellable: true)) else {
            Issue.record("expected a first worker")
            return
        }
        guard case .run = state.next(0) else {
            Issue.record("expected work")
            return
        }
        guard case .spin = state.next(0) else {
            Issue.record("expected the spinner")
            return
        }
        // The spinner covers one item, so the next submission starts nobody.
        guard case .nudgeSpinner = state.submit(Item(id: 1, isCancellable: true)) else {
            Issue.record("expected queued")
            return
        }
        // A second item behind it starts the second worker.
        guard case .startWorker(1) = state.submit(Item(id: 2, isCancellable: true)) else {
            Issue.record("expected a second worker")
            return
        }
        guard case .queued = state.submit(Item(id: 3, isCancellable: true)) else {
            Issue.record("no third worker")
            return
        }
    }

    // MARK: AsCompletedState

    @Test func asCompletedHandsOutInCompletionOrderAndWakesOne() throws {
        let a = Future<Int>()
        let b = Future<Int>()
        let done = Future<Int>()
        var state = AsCompletedState<Int>(pending: 2, finished: [done])
        guard case .future(let first) = state.take() else {
            Issue.record("expected done first")
            return
        }
        #expect(first === done)
        guard case .mustWait = state.take() else {
            Issue.record("expected to wait")
            return
        }
        let w1 = Waiter(id: 1, handle: .thread(ThreadParker()))
        let w2 = Waiter(id: 2, handle: .thread(ThreadParker()))
        #expect(state.wait(w1) == .listed)
        #expect(state.wait(w2) == .listed)
        #expect(state.complete(b).map(\.id) == [1])  // one future, one waiter
        #expect(state.checkInvariants())
        #expect(state.complete(a).map(\.id) == [2])  // the last wakes everyone left
        guard case .future(let second) = state.take() else {
            Issue.record("expected b")
            return
        }
        #expect(second === b)
        guard case .future(let third) = state.take() else {
            Issue.record("expected a")
            return
        }
        #expect(third === a)
        guard case .exhausted = state.take() else {
            Issue.record("expected the end")
            return
        }
        #expect(state.wait(w1) == .proceed)
        #expect(state.withdraw(id: 1) == nil)
        #expect(state.checkInvariants())
    }
}
