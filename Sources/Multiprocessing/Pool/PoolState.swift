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
        /// The memory shared with this slot's current (or next) process: the cells that
        /// decide between starting and cancelling its jobs, and its unsent answers.
        var page: SharedPage
        var status: SlotStatus = .starting
        /// Jobs given to this worker (written or still in `outbox`), in the order sent.
        var inFlight = JobQueue()
        /// Frames not yet written; the slot's writer thread takes them all at once.
        var outbox: [UInt8] = []
        var writerAsleep = false
        /// Jobs given to the current worker process: the last one's sequence number (which
        /// picks its cell), and for `maxTasksPerChild`.
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

    /// `pages`: one per worker slot.
    init(window: Int, maxTasksPerChild: Int?, pages: [SharedPage]) {
        // `window` is the constant `ProcessPoolExecutor.window`: no caller's argument reaches
        // this trap, which guards the constant against a later edit.
        precondition(window <= SharedLayout.cellCount, "a job in flight needs a cell of its own")
        slots = pages.map { Slot(page: $0) }
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
            // A job cancelled before it was submitted is dropped, as when it waits in the queue.
            guard give(job, to: slot) else { return .queued }
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

    /// Sends `job` to slot `index` under the next cell; false (and nothing sent) when it
    /// was cancelled meanwhile.
    private mutating func give(_ job: PoolJob, to index: Int) -> Bool {
        let sequence = slots[index].jobsGiven + 1
        guard job.ticket.send(page: slots[index].page, sequence: sequence) else {
            return false
        }
        slots[index].outbox.append(contentsOf: job.frame)
        slots[index].inFlight.append(job)
        slots[index].jobsGiven = sequence
        if let limit = maxTasksPerChild, sequence >= limit {
            slots[index].retiring = true
        }
        return true
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
        while accepts(slots[index]), let job = pending.popFirst() {
            _ = give(job, to: index)
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
            // `first` is non-nil, so this pops it. (Its ticket is finished outside the
            // lock: a late cancel fails on the cell, which says started or a later job.)
            if let job = slots[index].inFlight.popFirst() { jobs.append(job) }
            slots[index].resultsReceived &+= 1
        }
        return .delivered(jobs: jobs, wakeWriter: refill(index))
    }

    /// The worker is gone; `ids` are the answers it left in shared memory, in order. The
    /// first of them may have arrived over the channel already (it died between sending
    /// and saying so): those are skipped. Returns how many were skipped, and the jobs the
    /// rest answer.
    mutating func answersRecovered(slot index: Int, ids: [UInt64]) -> (skipped: Int, jobs: [PoolJob]) {
        guard let firstID = slots[index].inFlight.first?.id, let start = ids.firstIndex(of: firstID) else {
            return (ids.count, [])
        }
        var jobs: [PoolJob] = []
        for id in ids[start...] {
            guard let first = slots[index].inFlight.first, first.id == id else { break }
            if let job = slots[index].inFlight.popFirst() {
                job.ticket.finish()
                jobs.append(job)
            }
            slots[index].resultsReceived &+= 1
        }
        return (start, jobs)
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

    /// The slot's process has been reaped and the answers it left recovered
    /// (`answersRecovered`). `startedCount` is how many jobs it had reached (its shared
    /// counter): the one it reached but did not answer was running and fails; the jobs
    /// beyond go back to the front of the queue, except those cancelled meanwhile.
    /// `nextPage` is the shared memory of the slot's next process.
    mutating func workerExited(
        slot index: Int, startedCount: UInt32, nextPage: SharedPage, detail: String = ""
    ) -> ExitAction {
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
        var reached = 0
        while let job = slots[index].inFlight.popFirst() {
            if reached < unanswered {
                reached += 1
                job.ticket.finish()
                action.failed.append(job)
            } else if job.ticket.takeBack() {
                requeue.append(job)
            }
        }
        pending.prepend(requeue)
        slots[index] = Slot(page: nextPage)
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
        slots[index] = Slot(page: slots[index].page)
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
        /// Jobs sent to workers, to cancel through their futures (`cancelFutures: true`):
        /// those their worker has not started yet it will skip.
        var cancelInFlight: [PoolJob] = []
        var wakeWriters: [Int] = []
    }

    mutating func shutdown(cancelPending: Bool) -> ShutdownAction {
        var action = ShutdownAction()
        if case .running = phase { phase = .shuttingDown }
        if cancelPending {
            action.cancelled = pending.removeAll()
            for slot in slots { action.cancelInFlight.append(contentsOf: slot.inFlight.jobs) }
        }
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
            if slot.inFlight.count > window || slot.inFlight.count > SharedLayout.cellCount { return false }
            if case .stopped = slot.status, !slot.inFlight.isEmpty { return false }
        }
        return true
    }
}
