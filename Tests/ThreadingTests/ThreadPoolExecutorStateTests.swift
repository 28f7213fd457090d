import Testing
import ThreadingTestSupport

@testable import Threading

/// ThreadPoolState and AsCompletedState without threads: every event sequence up to a
/// bound, checking conservation of work (every accepted item ends exactly once: run,
/// cancelled, failed, orphaned or still queued), the worker limit and the invariants.
@Suite(.hangGuard)
struct ThreadPoolExecutorStateTests {
    struct Item: PoolQueueItem, Equatable {
        let id: Int
        let isCancellable: Bool
    }

    enum WorkerStatus: Equatable { case active, spinning, sleeping, exited }

    enum Event: Equatable {
        case submit(job: Bool)
        /// A submission through the inbox: through the open gate it only publishes (the
        /// item waits in `inbox` for the next locked step's drain); with the gate closed
        /// it takes the lock, drains and decides.
        case publish
        /// A worker's locked step; `racing`: a submission publishes through the still-open
        /// gate after the step's first drain, before the step settles the gate.
        case next(Int, racing: Bool)
        case endSpin(Int, racing: Bool)
        case shutdown(cancel: Bool)
        case initializerFailed(Int)
    }

    struct Model {
        var state = ThreadPoolState<Item, Int>(maxWorkers: 2)
        var workers: [WorkerStatus] = []
        /// Published through the open gate, not yet drained.
        var inbox: [Item] = []
        var accepted: [Int] = []
        /// The events so far, for the failure message.
        var history: [Event] = []
        var ended: [Int] = []
        var nextID = 0

        func events() -> [Event] {
            var events: [Event] = [
                .submit(job: false), .submit(job: true), .publish, .shutdown(cancel: false),
                .shutdown(cancel: true),
            ]
            for (w, status) in workers.enumerated() {
                if status == .active {
                    events += [.next(w, racing: false), .next(w, racing: true), .initializerFailed(w)]
                }
                if status == .spinning { events += [.endSpin(w, racing: false), .endSpin(w, racing: true)] }
            }
            return events
        }

        mutating func wake(_ sleeper: Int) {
            #expect(workers[sleeper] == .sleeping)
            workers[sleeper] = .active
        }

        mutating func worker(_ w: Int, _ action: ThreadPoolState<Item, Int>.WorkerAction) {
            switch action {
            case .run(let item, let then):
                ended.append(item.id)
                if let then { follow(then, queuedBehind: true) }
            case .spin: workers[w] = .spinning
            case .sleep: workers[w] = .sleeping
            case .exit(let last):
                workers[w] = .exited
                #expect(last == (state.workerCount == 0))
            }
        }

        mutating func newItem(cancellable: Bool = true) -> Item {
            defer { nextID += 1 }
            return Item(id: nextID, isCancellable: cancellable)
        }

        mutating func drainInbox() {
            for item in inbox { state.admit(item) }
            inbox.removeAll()
        }

        /// A submission publishing while the gate word is open: no decision, no lock.
        mutating func publishThroughOpenGate() {
            let item = newItem()
            accepted.append(item.id)
            inbox.append(item)
            // Nobody decides: a spinner or a busy worker will take it.
            #expect(workers.contains(.spinning) || workers.allSatisfy { $0 == .active })
        }

        /// One locked step, as `ThreadPoolCore.locked` runs it: drain (closing the gate
        /// first when the step closes the pool), the body, then settle the gate, draining
        /// and deciding for what came in through it when it closes. Returns the body's
        /// result and that decision, which the caller follows after acting on the result
        /// (a worker that is told to sleep may be the one the decision wakes).
        mutating func step<R>(
            closes: Bool = false, racing: Bool = false, _ body: (inout ThreadPoolState<Item, Int>) -> R
        ) -> (R, ThreadPoolState<Item, Int>.SubmitAction?) {
            if closes { _ = state.closeGateToClose() }
            drainInbox()
            let result = body(&state)
            if racing && state.gateOpen { publishThroughOpenGate() }
            guard state.settleGate() == .close, !inbox.isEmpty else { return (result, nil) }
            drainInbox()
            let decision = state.decideForDrained()
            #expect(state.settleGate() != .close, "a decision never closes the gate")
            return (result, decision)
        }

        mutating func followStep(_ extra: ThreadPoolState<Item, Int>.SubmitAction?) {
            if let extra { follow(extra, queuedBehind: false) }
        }

        /// A decision for queued work: as a submission acts on it.
        mutating func follow(_ action: ThreadPoolState<Item, Int>.SubmitAction, queuedBehind: Bool) {
            switch action {
            case .wake(let sleeper): wake(sleeper)
            case .startWorker(let index):
                #expect(index == workers.count)
                // No thread starts after shutdown (it would not be joined).
                #expect(state.phase == .running)
                workers.append(.active)
            case .nudgeSpinner: #expect(workers.contains(.spinning))
            case .queued: break
            case .rejected: Issue.record("a follow-up is never a refusal")
            }
            #expect(!queuedBehind || !state.queue.isEmpty)
        }

        mutating func apply(_ event: Event) {
            history.append(event)
            let wasRunning = state.phase == .running
            switch event {
            case .submit(let job):
                let item = newItem(cancellable: !job)
                let idleBefore = state.idleCount
                let (action, extra) = step { $0.submit(item) }
                defer { followStep(extra) }
                switch action {
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
            case .publish:
                if state.gateOpen {
                    publishThroughOpenGate()
                    break
                }
                let item = newItem()
                inbox.append(item)
                let (action, extra) = step { $0.published(matching: { $0 == item }) }
                defer { followStep(extra) }
                switch action {
                case .rejected:
                    #expect(!wasRunning)
                    #expect(!state.late.contains(item) && !state.queue.contains(item))
                case let action:
                    accepted.append(item.id)
                    follow(action, queuedBehind: false)
                }
            case .next(let w, let racing):
                let (action, extra) = step(racing: racing) { $0.next(w) }
                worker(w, action)
                followStep(extra)
            case .endSpin(let w, let racing):
                let (action, extra) = step(racing: racing) { $0.endSpin(w) }
                worker(w, action)
                followStep(extra)
            case .shutdown(let cancel):
                let (action, _) = step(closes: true) { $0.shutdown(cancelFutures: cancel) }
                for sleeper in action.wake { wake(sleeper) }
                for item in action.cancelled {
                    #expect(item.isCancellable)
                    ended.append(item.id)
                }
                #expect(state.phase != .running)
            case .initializerFailed(let w):
                let (action, _) = step(closes: true) { $0.initializerFailed("boom") }
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
            // The gate word is closed only with nothing published through it left undrained.
            #expect(state.gateOpen || inbox.isEmpty)
            // Conservation: every accepted item ended once or is still queued (or published).
            let queued = state.queue.map(\.id) + inbox.map(\.id)
            #expect((ended + queued).sorted() == accepted.sorted())
            #expect(Set(ended).count == ended.count)
            // Liveness: queued work always has a worker that will look at it.
            if !state.queue.isEmpty || !inbox.isEmpty {
                #expect(
                    workers.contains { $0 == .active || $0 == .spinning } || state.workerCount == 0,
                    "queued work with nobody to take it after \(history)")
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

    @Test func lateItemsAreTakenBackAndRefused() {
        var state = ThreadPoolState<Item, Int>(maxWorkers: 1)
        guard case .startWorker(0) = state.submit(Item(id: 0, isCancellable: true)) else {
            Issue.record("expected a worker")
            return
        }
        // Every worker busy and no more may start: submissions need no decision.
        #expect(state.isGateOpen)
        _ = state.shutdown(cancelFutures: false)
        #expect(!state.isGateOpen)
        // Published after the close: held apart, never run, and refused.
        let late = Item(id: 1, isCancellable: true)
        state.admit(late)
        #expect(state.late == [late] && state.queue.count == 1)
        guard case .rejected(.shutDown) = state.published(matching: { $0 == late }) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(state.late.isEmpty)
        // An item a worker already took counts as submitted before the close.
        guard case .run = state.next(0) else {
            Issue.record("expected the first item")
            return
        }
        guard case .queued = state.published(matching: { $0.id == 0 }) else {
            Issue.record("expected acceptance")
            return
        }
        #expect(state.checkInvariants())
    }

    @Test func aWorkerTakingWorkWithMoreBehindItStartsOrWakesAnother() {
        var state = ThreadPoolState<Item, Int>(maxWorkers: 2)
        guard case .startWorker(0) = state.submit(Item(id: 0, isCancellable: true)) else {
            Issue.record("expected a worker")
            return
        }
        // Published while the worker was busy (gate open only when no more may start:
        // here it is closed, so each publication decides).
        #expect(!state.isGateOpen)
        state.admit(Item(id: 1, isCancellable: true))
        guard case .startWorker(1) = state.published(matching: { $0.id == 1 }) else {
            Issue.record("expected a second worker")
            return
        }
        #expect(state.isGateOpen)
        // Two more published through the open gate: the worker that takes one hands on.
        state.admit(Item(id: 2, isCancellable: true))
        state.admit(Item(id: 3, isCancellable: true))
        guard case .run(let first, then: .queued?) = state.next(0) else {
            Issue.record("expected work, nobody else to wake")
            return
        }
        #expect(first.id == 0)
    }

    @Test func noWorkerStartsWhileDrainingAfterShutdown() {
        var state = ThreadPoolState<Item, Int>(maxWorkers: 2)
        guard case .startWorker(0) = state.submit(Item(id: 0, isCancellable: true)) else {
            Issue.record("expected a worker")
            return
        }
        // Two more drained from the inbox before anyone decided for them, then shutdown.
        state.admit(Item(id: 1, isCancellable: true))
        state.admit(Item(id: 2, isCancellable: true))
        _ = state.shutdown(cancelFutures: false)
        guard case .run(_, then: nil) = state.next(0) else {
            Issue.record("expected work and no follow-up after shutdown")
            return
        }
        #expect(state.workerCount == 1 && state.startedCount == 1)
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

    /// One wake at a time: with a woken worker on its way, further queued work wakes
    /// nobody else; the woken worker hands on when it takes its item.
    @Test func oneWakeInFlightAtATime() {
        var state = ThreadPoolState<Item, Int>(maxWorkers: 3)
        // Three workers, all asleep (worker 0 spun first, then gave up).
        for (index, worker) in [0, 1, 2].enumerated() {
            guard case .startWorker(index) = state.submit(Item(id: 10 + index, isCancellable: true)) else {
                Issue.record("expected worker \(index) to start")
                return
            }
            guard case .run = state.next(worker) else {
                Issue.record("expected work for worker \(worker)")
                return
            }
        }
        guard case .spin = state.next(0), case .sleep = state.next(1), case .sleep = state.next(2),
            case .sleep = state.endSpin(0)
        else {
            Issue.record("expected every worker asleep")
            return
        }
        guard case .wake(0) = state.submit(Item(id: 0, isCancellable: true)) else {
            Issue.record("expected the last sleeper woken")
            return
        }
        guard case .queued = state.submit(Item(id: 1, isCancellable: true)),
            case .queued = state.submit(Item(id: 2, isCancellable: true))
        else {
            Issue.record("expected no second wake while one is in flight")
            return
        }
        #expect(state.idleCount == 2)
        // The woken worker takes item 0 and wakes the next sleeper for the rest.
        guard case .run(let item, then: .wake(2)?) = state.next(0), item.id == 0 else {
            Issue.record("expected item 0 and a hand-on wake")
            return
        }
        // Worker 2 in turn takes item 1 and wakes worker 1 for item 2.
        guard case .run(let second, then: .wake(1)?) = state.next(2), second.id == 1 else {
            Issue.record("expected item 1 and the last wake")
            return
        }
    }

    // MARK: PoolInbox (single-threaded)

    func item(_ future: Future<Int>) -> PoolItem {
        PoolItem(future: future) { _, _ in }
    }

    @Test func inboxHandsItemsOverInOrderAndReportsTheGate() {
        let inbox = PoolInbox()
        let futures = (0..<3).map { _ in Future<Int>() }
        // Closed gate: the submission must decide.
        guard case .mustDecide = inbox.publish(item(futures[0])) else {
            Issue.record("expected mustDecide")
            return
        }
        inbox.setGate(open: true)
        guard case .done = inbox.publish(item(futures[1])), case .done = inbox.publish(item(futures[2]))
        else {
            Issue.record("expected done")
            return
        }
        inbox.setGate(open: false)
        var drained: [PoolItem] = []
        #expect(inbox.drain { drained.append($0) } == 3)
        #expect(zip(drained, futures).allSatisfy { $0.isFuture(item($1).futureIdentity) })
        #expect(inbox.drain { _ in Issue.record("nothing left") } == 0)
    }

    @Test func aFullInboxRefusesAndDrainAllSettlesEverything() {
        let inbox = PoolInbox()
        let future = Future<Int>()
        for _ in 0..<PoolInbox.capacity {
            guard case .mustDecide = inbox.publish(item(future)) else {
                Issue.record("expected room")
                return
            }
        }
        guard case .full = inbox.publish(item(future)) else {
            Issue.record("expected full")
            return
        }
        var count = 0
        inbox.drainAll { _ in count += 1 }
        #expect(count == PoolInbox.capacity)
        // Room again after the drain.
        guard case .mustDecide = inbox.publish(item(future)) else {
            Issue.record("expected room")
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
