import DequeModule

/// What a pool's queue holds: work that may be cancelled (a submitted future's) or not
/// (a Swift task's job, which must run, or its task would hang).
protocol PoolQueueItem {
    var isCancellable: Bool { get }
}

/// The state of a `ThreadPoolExecutor`: its phase, the work queue, the idle workers and
/// how many workers exist. Plain data; `Sleeper` is how an idle worker is woken.
///
/// Phases (Java's RUNNING → SHUTDOWN, with Python's broken pool):
/// ```
/// running ──shutdown──▶ shutDown
///    └──initializer threw──▶ broken(message)
/// ```
/// In `running`, `submit` queues work, wakes one idle worker if there is one, and otherwise
/// asks for a new worker while fewer than `maxWorkers` exist. Workers take work in FIFO
/// order; with nothing queued they park as idle in `running`, and leave in any other phase.
/// `shutDown` still drains what was queued (unless `cancelFutures`); `broken` fails it.
///
/// Most submissions reach the queue through the pool's lock-free inbox (`PoolInbox`):
/// the next lock holder moves published items in with `admit`. The inbox's gate word says
/// whether a submission may publish and leave without deciding anything; `gateOpen` is
/// its value, since only lock holders write it, and every locked step ends with
/// `settleGate`, which says when the word must change. The gate is open while
/// `isGateOpen`: a spinner or every worker will look at the queue. With the gate closed a
/// submission decides afterwards with `published(matching:)`, which is `submit`'s
/// decision — or, once the pool has closed, takes its item back from `late` (or the
/// queue) and is refused. A step that closes the gate decides, with `decideForDrained`,
/// for the items published through it that it drains after the close. A worker that
/// takes an item with more queued behind it makes the same decision (wake an idle
/// worker, or start one), because submissions through the open gate made none.
///
/// Every effect is an action value the caller carries out after unlocking: waking a
/// sleeper, nudging the spinner (its one watched word), starting a worker, setting the
/// gate word.
struct ThreadPoolState<Item: PoolQueueItem, Sleeper> {
    enum Phase: Equatable {
        case running
        case shutDown
        case broken(String)
    }

    enum SubmitAction {
        /// Queued; wake this idle worker.
        case wake(Sleeper)
        /// Queued for the spinner, which takes it without being woken: tell it by the
        /// one store it watches (`ThreadPoolCore`'s nudge word).
        case nudgeSpinner
        /// Queued; start worker number `index` (it counts from 0 over the pool's life).
        case startWorker(index: Int)
        /// Queued; every worker is busy and no more may start.
        case queued
        /// Refused: the pool is shut down or broken.
        case rejected(ExecutorError)
    }

    enum WorkerAction {
        /// Run this item, after acting on `then` (waking an idle worker or starting one)
        /// when more work is queued behind it.
        case run(Item, then: SubmitAction?)
        /// Nothing to do: the worker is now *the spinner* — it watches the queue for a
        /// while without being listed, then calls `endSpin`.
        case spin
        /// Nothing to do: the worker is listed as idle and parks until woken.
        case sleep
        /// Nothing to do and the pool is closing: the worker exits. `last` says it was the
        /// last worker.
        case exit(last: Bool)
    }

    /// What the inbox's gate word must do at the end of a locked step.
    enum GateChange: Equatable {
        case none
        /// Open it: publications from now on need no decision.
        case open
        /// Close it, then drain the inbox: what comes in was published through the open
        /// gate, and gets `decideForDrained()`.
        case close
    }

    struct ShutdownAction {
        /// Idle workers to wake so they can exit.
        var wake: [Sleeper]
        /// Queued items taken out by `cancelFutures`, to cancel.
        var cancelled: [Item]
    }

    struct BreakAction {
        /// Queued items that will never run, to fail with `ExecutorError.broken`.
        var failed: [Item]
        /// Queued items that cannot fail (task jobs) and have no worker left: to run elsewhere.
        var orphaned: [Item]
        /// Idle workers to wake so they can exit.
        var wake: [Sleeper]
        /// The error later submissions throw.
        var error: ExecutorError
        /// Whether the failing worker was the last one.
        var last: Bool
    }

    let maxWorkers: Int
    private(set) var phase: Phase = .running
    private(set) var queue: Deque<Item> = []
    /// Items published to the pool's inbox after it closed (drained once the phase is
    /// not `running`): never run; each one's submission takes it back and throws
    /// (`published(matching:)`).
    private(set) var late: [Item] = []
    // Last in, first out: the most recently idle worker is likely still spinning, so it
    // wakes without a system call.
    private var idle: [Sleeper] = []
    /// Whether an idle worker is spinning on the queue. At most one: it will take the next
    /// item without being woken, so `submit` wakes nobody while it spins.
    private(set) var spinning = false
    /// Whether a worker was woken and has not yet come back to look for work. While one
    /// is on its way, more queued work waits for it rather than waking another: it hands
    /// on when it takes an item (`handOn`), so the wakes follow the workers' pace, not the
    /// submitter's. With many more workers than cores, the submitter otherwise made a wake
    /// system call for nearly every submission (W1 with 64 workers on 2 cores).
    private(set) var wakeInFlight = false
    /// The value of the inbox's gate word (written only by lock holders, as this state is).
    private(set) var gateOpen = false
    /// Workers started and not yet exited.
    private(set) var workerCount = 0
    /// Workers ever started, for naming.
    private(set) var startedCount = 0

    init(maxWorkers: Int) {
        self.maxWorkers = maxWorkers
    }

    var idleCount: Int { idle.count }

    /// `submit` through the lock, or a task job's `enqueue` while running.
    mutating func submit(_ item: Item) -> SubmitAction {
        if let refusal { return .rejected(refusal) }
        queue.append(item)
        return decideForQueued()
    }

    private var refusal: ExecutorError? {
        switch phase {
        case .running: nil
        case .shutDown: .shutDown
        case .broken(let message): .broken(message)
        }
    }

    /// Work is queued: who takes it. The spinner takes one item without being woken; more
    /// need an idle worker woken, or a new one while fewer than `maxWorkers` exist.
    private mutating func decideForQueued() -> SubmitAction {
        if spinning && queue.count == 1 { return .nudgeSpinner }
        if let sleeper = idle.last {
            if wakeInFlight { return .queued }
            idle.removeLast()
            wakeInFlight = true
            return .wake(sleeper)
        }
        if workerCount < maxWorkers {
            workerCount += 1
            startedCount += 1
            return .startWorker(index: startedCount - 1)
        }
        return .queued
    }

    /// Whether a submission may publish to the inbox and leave: no decision can be needed,
    /// because the spinner will look at the inbox, or every worker is busy (none idle, no
    /// more may start) and will look at it before going idle.
    var isGateOpen: Bool {
        phase == .running && (spinning || (idle.isEmpty && workerCount == maxWorkers))
    }

    /// The end of every locked step: the gate word must say `isGateOpen`.
    mutating func settleGate() -> GateChange {
        let open = isGateOpen
        guard open != gateOpen else { return .none }
        gateOpen = open
        return open ? .open : .close
    }

    /// The start of a step that closes the pool (shutdown, a break): the gate closes
    /// first, and the caller then settles the whole inbox, so every item whose
    /// submission saw the gate open is in the state before the pool closes. Returns
    /// whether the word was open (and must be closed).
    mutating func closeGateToClose() -> Bool {
        defer { gateOpen = false }
        return gateOpen
    }

    /// Items drained just after `settleGate` closed the gate: their submissions saw it
    /// open and decided nothing, so decide for them as `submit` would. The decision only
    /// wakes or starts a worker, so it never needs the gate closed; it may let it open
    /// (call `settleGate` again).
    mutating func decideForDrained() -> SubmitAction {
        published { _ in false }
    }

    /// An item drained from the inbox: queued while running; after the pool closed, it
    /// was published after the close, so it is held for its submission to take back.
    mutating func admit(_ item: Item) {
        if phase == .running { queue.append(item) } else { late.append(item) }
    }

    /// A submission published its item while the gate was closed and has drained the
    /// inbox (`isMine` recognises its item): decide for it. While running, as `submit`
    /// (nothing, when the queue is already empty: a worker took the item). Once closed,
    /// the submission takes its item back and is refused if the item is still waiting;
    /// if a worker already took it, or shutdown cancelled it, the submission counts as
    /// made before the close.
    mutating func published(matching isMine: (Item) -> Bool) -> SubmitAction {
        guard let refusal else { return queue.isEmpty ? .queued : decideForQueued() }
        if let index = late.firstIndex(where: isMine) {
            late.remove(at: index)
            return .rejected(refusal)
        }
        if let index = queue.lastIndex(where: isMine) {
            queue.remove(at: index)
            return .rejected(refusal)
        }
        return .queued
    }

    /// A worker took an item: while running, work still queued behind it gets the
    /// decision its submission may not have made (it came through the open gate). Once
    /// closed, nobody is started or woken: the idle workers were all woken to leave.
    private mutating func handOn() -> SubmitAction? {
        phase == .running && !queue.isEmpty ? decideForQueued() : nil
    }

    /// A job that must run even after shutdown: queued while any worker is left to run it;
    /// `false` when none is (the caller runs it elsewhere).
    mutating func enqueueAfterClose(_ item: Item) -> Bool {
        guard workerCount > 0 else { return false }
        queue.append(item)
        return true
    }

    /// Starting the worker asked for by `submit` failed: forget it. Returns the queued
    /// items when no worker is left to run them (the pool is then broken).
    mutating func workerFailedToStart(_ message: String) -> [Item] {
        workerCount -= 1
        guard workerCount == 0 else { return [] }
        if phase == .running { phase = .broken(message) }
        defer { queue.removeAll() }
        return Array(queue)
    }

    /// A worker looks for its next item; `sleeper` is how to wake it if it must park.
    mutating func next(_ sleeper: Sleeper) -> WorkerAction {
        wakeInFlight = false
        if let item = queue.popFirst() { return .run(item, then: handOn()) }
        if phase == .running {
            if !spinning {
                spinning = true
                return .spin
            }
            idle.append(sleeper)
            return .sleep
        }
        workerCount -= 1
        return .exit(last: workerCount == 0)
    }

    /// The spinner stops spinning (it saw work, or its spin ran out): it takes the next
    /// item — waking an idle worker if more work is queued behind it, since nobody spins
    /// now — or else parks or exits as `next` would.
    mutating func endSpin(_ sleeper: Sleeper) -> WorkerAction {
        spinning = false
        wakeInFlight = false
        if let item = queue.popFirst() { return .run(item, then: handOn()) }
        if phase == .running {
            idle.append(sleeper)
            return .sleep
        }
        workerCount -= 1
        return .exit(last: workerCount == 0)
    }

    /// `shutdown(wait:cancelFutures:)`: no more submissions; idle workers leave.
    mutating func shutdown(cancelFutures: Bool) -> ShutdownAction {
        if phase == .running { phase = .shutDown }
        var cancelled: [Item] = []
        if cancelFutures {
            var kept: Deque<Item> = []
            for item in queue {
                if item.isCancellable { cancelled.append(item) } else { kept.append(item) }
            }
            queue = kept
        }
        defer { idle.removeAll() }
        return ShutdownAction(wake: idle, cancelled: cancelled)
    }

    /// A worker's initializer threw: the pool is broken, that worker is gone, and the
    /// queued work that can fail is taken out to fail.
    mutating func initializerFailed(_ message: String) -> BreakAction {
        workerCount -= 1
        if case .broken = phase {} else { phase = .broken(message) }
        let error: ExecutorError =
            if case .broken(let first) = phase { .broken(first) } else { .broken(message) }
        var failed: [Item] = []
        var kept: Deque<Item> = []
        for item in queue {
            if item.isCancellable { failed.append(item) } else { kept.append(item) }
        }
        queue = kept
        var orphaned: [Item] = []
        if workerCount == 0 {
            orphaned = Array(queue)
            queue.removeAll()
        }
        defer { idle.removeAll() }
        return BreakAction(
            failed: failed, orphaned: orphaned, wake: idle, error: error, last: workerCount == 0)
    }

    /// Holds between locked steps (after `settleGate`).
    func checkInvariants() -> Bool {
        gateOpen == isGateOpen && workerCount >= 0 && workerCount <= maxWorkers
            && idle.count + (spinning ? 1 : 0) <= workerCount
            && startedCount >= workerCount && (phase == .running || idle.isEmpty)
            && (phase != .running || late.isEmpty)
    }
}
