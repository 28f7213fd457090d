import CThreadingShims
import Synchronization

/// The part of a `ThreadPoolExecutor` its workers hold: the state and the worker loop.
///
/// Workers keep the core, not the executor, alive, so an executor nobody references is
/// deinitialised and shuts its core down (CPython does the same with a weak reference).
@usableFromInline
final class ThreadPoolCore: @unchecked Sendable {
    // Unchecked only for `nudge`, a pointer to an atomic touched only through it;
    // everything else is a `StateLock`, a `Mutex`, the `PoolInbox` or immutable.
    typealias State = ThreadPoolState<PoolItem, ThreadParker>

    // A futex mutex that spins briefly, not `Mutex`'s priority-inheritance futex: the
    // queue is the one contended lock of a busy pool, and W1 ran faster on it (`Mutex`
    // makes FUTEX_LOCK_PI system calls when contended; figures in the Executors article,
    // "Performance"). See `StateLock` for TSan.
    private let state: StateLock<State>
    // Worker threads, for joining; changed only under `state`'s lock order: appended by
    // the submitter that started the worker.
    private let threads = Mutex<[OSThread]>([])
    // What the spinning worker watches for work without taking the lock: 0 when it starts
    // to spin (set under the lock), 1 once a submission queued the item it will take.
    // Only a hint: the spinner decides under the lock (`endSpin`). Alone on its cache
    // line, and written only for the spinner: this used to be a mirror of the queue's
    // length stored after every locked step, next to the fields every submission reads;
    // its cache-line misses were a third of `submit`'s own time in a W1 profile. One
    // `PaddedAtomics` line.
    private let nudge: UnsafeMutablePointer<Atomic<Int>>
    // Where submissions publish without the lock; drained by every locked step.
    private let inbox = PoolInbox()
    // How a worker told to sleep re-checks its parker before the futex wait. While the
    // workers fit on the cores, a wake-up often finds it still looking and costs no system
    // call. With more workers than cores, the sleepers' spinning only takes the cores from
    // the submitter and the workers with work: W1 with 16 and 64 workers on 2 cores ran
    // 1.2-1.9x faster without it (4 interleaved pairs; the wakes are few since only one
    // is in flight at a time, `ThreadPoolState.wakeInFlight`).
    private let sleepSpin: ThreadParker.Spin
    let prefix: String
    private let initializer: (@Sendable () throws -> Void)?

    init(maxWorkers: Int, prefix: String, initializer: (@Sendable () throws -> Void)?) {
        state = StateLock(State(maxWorkers: maxWorkers))
        sleepSpin = maxWorkers <= ThreadPoolExecutor.onlineCores ? .idleWorker : .none
        nudge = PaddedAtomics.allocate(lines: 1)
        self.prefix = prefix
        self.initializer = initializer
    }

    deinit {
        PaddedAtomics.deallocate(nudge, lines: 1)
    }

    // MARK: Submitting

    /// Queues `item`; throws `ExecutorError.shutDown` / `.broken` when refused.
    ///
    /// Publishes to the inbox without the lock; takes the lock only when the gate was
    /// closed (someone may need waking or starting) or the inbox is full.
    @usableFromInline
    func submit(_ item: consuming PoolItem) throws(ExecutorError) {
        let action: State.SubmitAction
        let extra: State.SubmitAction?
        let mine = item.futureIdentity
        switch inbox.publish(item) {
        case .done: return
        case .mustDecide:
            // Once closed, settle the whole inbox: a put still filling a cell ahead of this
            // item would otherwise keep it from being drained, and it must be found.
            (action, extra) = locked(
                closes: { $0.phase != .running }, body: { $0.published(matching: { $0.isFuture(mine) }) })
        case .full(let item): (action, extra) = locked { $0.submit(item) }
        }
        follow(extra)
        switch action {
        case .queued: return
        // After unlocking, so the spinner's cache miss is not inside the critical section.
        // If the spinner took the item meanwhile and spins again, the late store only ends
        // that spin early.
        case .nudgeSpinner: nudge.pointee.store(1, ordering: .relaxed)
        case .wake(let parker): parker.unpark()
        case .startWorker(let index): try startWorker(index)
        case .rejected(let error): throw error
        }
    }

    /// Queues a task's job (always through the lock): like `submit` while running; after
    /// shutdown, queued while a worker is left, and otherwise handed to Swift's global
    /// executor.
    func enqueue(_ item: PoolItem) {
        let (action, extra) = locked { state -> State.SubmitAction? in
            switch state.phase {
            case .running: return state.submit(item)
            case .shutDown, .broken: return state.enqueueAfterClose(item) ? .queued : nil
            }
        }
        follow(extra)
        switch action {
        case .queued?: return
        case .nudgeSpinner?: nudge.pointee.store(1, ordering: .relaxed)
        case .wake(let parker)?: parker.unpark()
        case .startWorker(let index)?:
            do { try startWorker(index) } catch { item.runElsewhere(failing: error) }
        case .rejected?, nil: item.runElsewhere(failing: .shutDown)
        }
    }

    /// One step under the lock: moves what the inbox holds into the state, runs `body`,
    /// and sets the gate word as the state says (`settleGate`). When `closes(state)` says
    /// the step closes the pool (shutdown, a break), the gate closes first and the inbox
    /// is settled completely (`drainAll`), so every item whose submission saw the gate
    /// open is in the state when `body` runs. Also returns the decision for items that
    /// came in through the gate this step closed (the caller acts on it with `follow`).
    private func locked<R>(
        closes: (borrowing State) -> Bool = { _ in false }, body: (inout State) -> R
    ) -> (R, State.SubmitAction?) {
        state.withLock { state in
            if closes(state) {
                if state.closeGateToClose() { inbox.setGate(open: false) }
                inbox.drainAll { state.admit($0) }
            } else {
                _ = inbox.drain { state.admit($0) }
            }
            let result = body(&state)
            switch state.settleGate() {
            case .none: return (result, nil)
            case .open:
                inbox.setGate(open: true)
                return (result, nil)
            case .close:
                // Items published before the close may have missed the drain above (or
                // come in since); they were promised a decision-free ride.
                inbox.setGate(open: false)
                guard inbox.drain({ state.admit($0) }) > 0 else { return (result, nil) }
                let decision = state.decideForDrained()
                // Waking or starting a worker may let the gate open again at once.
                if state.settleGate() == .open { inbox.setGate(open: true) }
                return (result, decision)
            }
        }
    }

    /// Acts on a follow-up decision: wake, start (a failure breaks the pool only when no
    /// worker is left; the items are then failed by `startWorker`), or nudge.
    private func follow(_ action: State.SubmitAction?) {
        switch action {
        case .wake(let parker)?: parker.unpark()
        case .startWorker(let index)?: try? startWorker(index)
        case .nudgeSpinner?: nudge.pointee.store(1, ordering: .relaxed)
        case .queued?, .rejected?, nil: break
        }
    }

    private func startWorker(_ index: Int) throws(ExecutorError) {
        let thread = OSThread(name: "\(prefix)_\(index)", daemon: true) { [self] in work() }
        threads.withHandoff(self) { $0.append(thread) }
        ThreadPoolRegistry.add(self)
        do {
            try thread.start()
        } catch {
            let message = "cannot start a worker thread: \(error)"
            let (orphans, extra) = locked(
                closes: { $0.workerCount == 1 }, body: { $0.workerFailedToStart(message) })
            follow(extra)
            guard !orphans.isEmpty else { return }
            for item in orphans { item.runElsewhere(failing: .broken(message)) }
            allWorkersExited()
            throw .broken(message)
        }
    }

    // MARK: The workers

    /// A worker thread's body: run the initializer, then take work until the pool closes.
    private func work() {
        if let initializer {
            do {
                try initializer()
            } catch {
                initializerFailed(error)
                return
            }
        }
        let parker = ThreadParker()
        while true {
            parker.rearm()
            var watch = (cell: 0, sequence: 0)
            let (next, extra) = locked { state in
                let next = state.next(parker)
                if case .spin = next {
                    // Under the lock, so every submission that finds this spinner stores
                    // after it.
                    nudge.pointee.store(0, ordering: .relaxed)
                    watch = inbox.watchPoint()
                }
                return next
            }
            follow(extra)
            switch next {
            case .run(let item, let then):
                follow(then)
                item.run()
            case .spin:
                // Watch a little while for the next publication (or a nudge for work queued
                // through the lock): it usually comes soon, and the spinner takes it
                // without anyone making a wake-up call.
                var spins = 0
                while spins < ThreadParker.Spin.idleWorker.turns, nudge.pointee.load(ordering: .relaxed) == 0,
                    !inbox.changed(since: watch)
                {
                    cthreading_cpu_relax()
                    spins += 1
                }
                let (afterSpin, extra) = locked { $0.endSpin(parker) }
                follow(extra)
                switch afterSpin {
                case .run(let item, let then):
                    follow(then)
                    item.run()
                case .sleep: parker.park(spin: sleepSpin)
                case .exit(let last):
                    if last { allWorkersExited() }
                    return
                case .spin: break  // endSpin never asks to spin again
                }
            case .sleep: parker.park(spin: sleepSpin)
            case .exit(let last):
                if last { allWorkersExited() }
                return
            }
        }
    }

    private func initializerFailed(_ error: any Error) {
        StandardError.write("Exception in initializer of \(OSThread.current.name): \(error)\n")
        let message = "a thread initializer failed, the thread pool is not usable anymore"
        let (action, _) = locked(closes: { _ in true }, body: { $0.initializerFailed(message) })
        for parker in action.wake { parker.unpark() }
        for item in action.failed { item.fail(action.error) }
        for item in action.orphaned { item.runElsewhere(failing: action.error) }
        if action.last { allWorkersExited() }
    }

    /// The pool is closed and its last worker is leaving: every item taken has finished.
    /// Forget the worker threads — their bodies hold this core, so keeping them would be
    /// a reference cycle — and leave the exit-time registry. An `OSThread` dropped
    /// unjoined detaches its pthread.
    private func allWorkersExited() {
        threads.withHandoff(self) { $0.removeAll() }
        ThreadPoolRegistry.remove(self)
    }

    // MARK: Shutting down

    /// No more submissions; with `cancelFutures`, queued futures are cancelled; with
    /// `wait`, returns once every worker has exited (so all work it took has finished).
    func shutdown(wait: Bool, cancelFutures: Bool) {
        let (action, _) = locked(
            closes: { _ in true }, body: { $0.shutdown(cancelFutures: cancelFutures) })
        for item in action.cancelled { item.cancel() }
        for parker in action.wake { parker.unpark() }
        guard wait else { return }
        let me = OSThread.currentIfKnown
        // Until no thread is left to join: a worker may have decided before the close to
        // start another (handing on queued work) and start it after the snapshot. It
        // lists that thread before it goes on, so once it is joined, the list holds it.
        var joined: [OSThread] = []  // held, so no identity is reused meanwhile
        while true {
            let listed = threads.withHandoff(self) { $0 }
            let pending = listed.filter { thread in thread !== me && !joined.contains { $0 === thread } }
            if pending.isEmpty { return }
            for thread in pending { try? thread.join() }
            joined += pending
        }
    }

    /// For tests: workers alive and idle now (snapshots).
    var counts: (workers: Int, idle: Int, started: Int) {
        state.withLock { ($0.workerCount, $0.idleCount, $0.startedCount) }
    }

    var isClosed: Bool { state.withLock { $0.phase != .running } }
}
