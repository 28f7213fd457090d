/// Everything a `ProcessPoolExecutor` decides, as a plain value: which worker gets which
/// job, what to write, what to fail, whether to start a replacement. No locks, threads,
/// processes or clocks: `ProcessPoolCore` holds it in one lock (`LockedState`) and carries out the
/// actions its methods return after unlocking.
///
/// Phase transitions: `running → shuttingDown` (`shutdown`), `running → broken`
/// (a worker could not be started). Both later phases are final.
///
/// Per slot, a worker process goes `starting → running → ended`: `starting` until
/// `workerStarted`, `ended` once its reader saw end-of-file (`workerEnded`), and then
/// `workerExited` either makes the slot `starting` again (a replacement) or `stopped`.
struct PoolState {
    enum Phase: Equatable {
        case running
        case shuttingDown
        case broken(String)
    }

    enum SlotStatus: Equatable {
        case starting
        case running(pid: Int32)
        case ended(pid: Int32)
        case stopped
    }

    struct Slot {
        var status: SlotStatus = .starting
        /// Jobs given to this worker (written or still in `outbox`), in the order sent.
        var inFlight = JobQueue()
        /// Frames not yet written; the slot's writer thread takes them all at once.
        var outbox: [UInt8] = []
        var writerAsleep = false
        /// Jobs given to the current worker process, for `maxTasksPerChild`.
        var jobsGiven = 0
        /// No more jobs for this process: once `outbox` is written the writer closes the
        /// channel's write side, the worker finishes what it has and exits.
        var retiring = false
        var writeSideClosed = false
        /// Results received from the current worker process.
        var resultsReceived: UInt32 = 0
    }

    private(set) var phase: Phase = .running
    /// Workers in a row that exited holding jobs without starting one: a worker program
    /// that does not call `runWorkerIfRequested` would otherwise be restarted forever.
    private(set) var barrenExits = 0
    static let barrenExitLimit = 3
    private(set) var pending = JobQueue()
    private(set) var slots: [Slot]
    /// At most this many jobs in flight per worker: enough to hide the pipe's round trip,
    /// few enough that the jobs behind a slow one can still go to another worker.
    let window: Int
    let maxTasksPerChild: Int?

    init(workers: Int, window: Int, maxTasksPerChild: Int?) {
        slots = Array(repeating: Slot(), count: workers)
        self.window = window
        self.maxTasksPerChild = maxTasksPerChild
    }

    var workerPIDs: [Int32] {
        slots.compactMap {
            switch $0.status {
            case .running(let pid): pid
            default: nil
            }
        }
    }

    // MARK: submit

    enum SubmitAction {
        case rejected(any Error)
        case queued
        /// Written to slot `slot`'s outbox; wake its writer when `wakeWriter`.
        case sent(slot: Int, wakeWriter: Bool)
    }

    mutating func submit(_ job: PoolJob) -> SubmitAction {
        switch phase {
        case .running: break
        case .shuttingDown: return .rejected(ExecutorError.shutDown)
        case .broken(let message): return .rejected(ExecutorError.broken(message))
        }
        if pending.isEmpty, let slot = slotWithRoom() {
            var job = job
            if !job.isRunning {
                guard job.completion.markRunning() else { return .queued }
                job.isRunning = true
            }
            give(job, to: slot)
            return .sent(slot: slot, wakeWriter: takeWriterWake(slot))
        }
        pending.append(job)
        return .queued
    }

    private func accepts(_ slot: Slot) -> Bool {
        switch slot.status {
        case .starting, .running: break
        case .ended, .stopped: return false
        }
        return !slot.retiring && slot.inFlight.count < window
    }

    /// The accepting slot with the fewest jobs in flight.
    private func slotWithRoom() -> Int? {
        var best: Int?
        for index in slots.indices where accepts(slots[index]) {
            if let current = best, slots[current].inFlight.count <= slots[index].inFlight.count { continue }
            best = index
        }
        return best
    }

    private mutating func give(_ job: PoolJob, to index: Int) {
        slots[index].outbox.append(contentsOf: job.frame)
        slots[index].inFlight.append(job)
        slots[index].jobsGiven += 1
        if let limit = maxTasksPerChild, slots[index].jobsGiven >= limit {
            slots[index].retiring = true
        }
    }

    private mutating func takeWriterWake(_ index: Int) -> Bool {
        guard slots[index].writerAsleep else { return false }
        slots[index].writerAsleep = false
        return true
    }

    /// Moves pending jobs into slot `index` while it has room; jobs whose future was
    /// cancelled meanwhile are dropped (their futures already say so). During shutdown a
    /// slot with nothing left to do retires. Returns whether to wake its writer.
    private mutating func refill(_ index: Int) -> Bool {
        while accepts(slots[index]), var job = pending.popFirst() {
            if !job.isRunning {
                guard job.completion.markRunning() else { continue }
                job.isRunning = true
            }
            give(job, to: index)
        }
        if phase != .running, pending.isEmpty, slots[index].inFlight.isEmpty, !slots[index].retiring {
            slots[index].retiring = true
        }
        let hasWork = !slots[index].outbox.isEmpty || (slots[index].retiring && !slots[index].writeSideClosed)
        return hasWork && takeWriterWake(index)
    }

    // MARK: worker lifecycle

    /// The slot's process is up. Returns whether to wake its writer.
    mutating func workerStarted(slot index: Int, pid: Int32) -> Bool {
        slots[index].status = .running(pid: pid)
        return refill(index)
    }

    /// Results with these job ids arrived, in this order.
    enum ResultsAction {
        /// `jobs` answer the ids in order; wake the slot's writer when `wakeWriter`.
        case delivered(jobs: [PoolJob], wakeWriter: Bool)
        /// A result for a job the worker was not given (or out of order): the worker
        /// broke the protocol. `jobs` answers the ids before the bad one.
        case protocolError(jobs: [PoolJob], detail: String)
    }

    mutating func resultsArrived(slot index: Int, ids: [UInt64]) -> ResultsAction {
        var jobs: [PoolJob] = []
        jobs.reserveCapacity(ids.count)
        for id in ids {
            guard let first = slots[index].inFlight.first, first.id == id else {
                return .protocolError(jobs: jobs, detail: "answer to unknown job \(id)")
            }
            // `first` is non-nil, so this pops it.
            if let job = slots[index].inFlight.popFirst() { jobs.append(job) }
            slots[index].resultsReceived &+= 1
        }
        return .delivered(jobs: jobs, wakeWriter: refill(index))
    }

    /// The slot's reader saw end-of-file (or garbage): no more jobs for this process, and
    /// its writer must stop. Returns whether to wake the writer.
    mutating func workerEnded(slot index: Int) -> Bool {
        if case .running(let pid) = slots[index].status { slots[index].status = .ended(pid: pid) }
        slots[index].retiring = true
        slots[index].writeSideClosed = true
        // The jobs stay in `inFlight`; `workerExited` decides which ran.
        slots[index].outbox = []
        slots[index].writerAsleep = false
        return true
    }

    struct ExitAction {
        /// Jobs the dead worker had started: fail them with `.workerDied`.
        var failed: [PoolJob] = []
        /// Set when this exit broke the pool: fail these jobs with `ExecutorError.broken`.
        var broken: (message: String, jobs: [PoolJob])?
        /// Start a replacement process in the slot.
        var respawn = false
        /// Slots whose writers to wake because requeued jobs went to them.
        var wakeWriters: [Int] = []
    }

    /// The slot's process has been reaped. `startedCount` is how many jobs it had started
    /// (its shared counter); the jobs it held beyond those go back to the front of the
    /// queue, so only the one it was running (and any whose answer it had not yet sent)
    /// fail.
    mutating func workerExited(slot index: Int, startedCount: UInt32, detail: String = "") -> ExitAction {
        var action = ExitAction()
        if startedCount == 0 && slots[index].resultsReceived == 0 && !slots[index].inFlight.isEmpty {
            barrenExits += 1
        } else {
            barrenExits = 0
        }
        if barrenExits >= PoolState.barrenExitLimit {
            let message =
                "\(barrenExits) workers in a row exited (\(detail)) without running a task; "
                + "does the worker program call ProcessPoolExecutor.runWorkerIfRequested(tasks:)?"
            action.broken = (message, spawnFailed(slot: index, message: message))
            return action
        }
        let unanswered = Int(startedCount &- slots[index].resultsReceived)
        var requeue: [PoolJob] = []
        while let job = slots[index].inFlight.popFirst() {
            if action.failed.count < unanswered {
                action.failed.append(job)
            } else {
                requeue.append(job)
            }
        }
        pending.prepend(requeue)
        slots[index] = Slot()
        switch phase {
        case .running: action.respawn = true
        case .shuttingDown: action.respawn = !pending.isEmpty
        case .broken: action.respawn = false
        }
        if !action.respawn { slots[index].status = .stopped }
        // Other slots may have room for the requeued jobs right away.
        for other in slots.indices where other != index && !pending.isEmpty {
            if refill(other) { action.wakeWriters.append(other) }
        }
        return action
    }

    /// A worker could not be started: the pool is broken. Every job not yet answered
    /// is returned, to be failed with `ExecutorError.broken(message)`.
    mutating func spawnFailed(slot index: Int, message: String) -> [PoolJob] {
        if case .running = phase { phase = .broken(message) }
        if case .shuttingDown = phase { phase = .broken(message) }
        var jobs = pending.removeAll()
        while let job = slots[index].inFlight.popFirst() { jobs.append(job) }
        // The other slots' workers finish what they hold, then retire.
        for other in slots.indices where other != index {
            switch slots[other].status {
            case .starting, .running:
                if slots[other].inFlight.isEmpty { slots[other].retiring = true }
            case .ended, .stopped: break
            }
        }
        slots[index] = Slot()
        slots[index].status = .stopped
        return jobs
    }

    // MARK: writer

    enum WriterAction {
        case write([UInt8])
        /// Nothing more for this process: close the write side and stop.
        case closeWriteSide
        case stop
        case sleep
    }

    mutating func writerNext(slot index: Int) -> WriterAction {
        if !slots[index].outbox.isEmpty {
            var bytes: [UInt8] = []
            swap(&bytes, &slots[index].outbox)
            return .write(bytes)
        }
        if slots[index].writeSideClosed { return .stop }
        if slots[index].retiring {
            slots[index].writeSideClosed = true
            return .closeWriteSide
        }
        slots[index].writerAsleep = true
        return .sleep
    }

    // MARK: shutdown

    struct ShutdownAction {
        /// Pending jobs to cancel (`cancelFutures: true`).
        var cancelled: [PoolJob] = []
        var wakeWriters: [Int] = []
    }

    mutating func shutdown(cancelPending: Bool) -> ShutdownAction {
        var action = ShutdownAction()
        if case .running = phase { phase = .shuttingDown }
        if cancelPending { action.cancelled = pending.removeAll() }
        for index in slots.indices {
            switch slots[index].status {
            case .starting, .running:
                if refill(index) { action.wakeWriters.append(index) }
            case .ended, .stopped: break
            }
        }
        return action
    }

    /// Checks the invariants tests rely on.
    func checkInvariants() -> Bool {
        for slot in slots {
            if slot.writeSideClosed && !slot.retiring { return false }
            if let limit = maxTasksPerChild, slot.jobsGiven > limit { return false }
            if slot.inFlight.count > window { return false }
            if case .stopped = slot.status, !slot.inFlight.isEmpty { return false }
        }
        return true
    }
}
