import CThreadingShims
import Synchronization
import Threading

/// The machinery behind `ProcessPoolExecutor`: the state in one lock, and per worker slot
/// a reader thread (which also starts the slot's processes) and a writer thread.
///
/// Why threads per slot: the reader blocks in `read(2)` for answers, the writer in
/// `send(2)` for jobs, so neither waits for the other and a full channel in one direction
/// can never deadlock the other. The reader starts its slot's processes itself because
/// `PR_SET_PDEATHSIG` fires when the *thread* that spawned a worker ends: the reader lives
/// exactly as long as the processes it watches.
///
/// Each worker process also shares memory with the pool (`SharedPage`): its jobs' cells,
/// which decide between starting and cancelling them, and its unsent answers, which the
/// reader delivers after the worker's death.
final class ProcessPoolCore: Sendable {
    let state: LockedState<PoolState>
    let executable: String
    /// The environment every worker gets: ours, without a worker marker of our own.
    let environment: [String]
    /// One per slot; its writer sleeps on it while it has nothing to write.
    let writerWakeups: [WakeSignal]
    /// One reader per slot until it ends; each forgets itself on its way out, because its
    /// body holds this core (a cycle that would keep both, and the unreaped thread, alive).
    let readers: LockedState<[OSThread?]>
    let nextJobID = Atomic<UInt64>(1)

    /// Throws when the shared memory of the first workers cannot be made.
    init(workers: Int, window: Int, maxTasksPerChild: Int?, executable: String) throws(SystemCallError) {
        var pages: [SharedPage] = []
        for _ in 0..<workers { pages.append(try SharedPage.make()) }
        state = LockedState(PoolState(window: window, maxTasksPerChild: maxTasksPerChild, pages: pages))
        self.executable = executable
        environment = ProcessSyscalls.environment().filter { !$0.hasPrefix(workerEnvironmentKey + "=") }
        writerWakeups = (0..<workers).map { _ in WakeSignal() }
        readers = LockedState([])
    }

    /// Starts one reader thread per slot; each starts its worker.
    func start() throws {
        let threads = (0..<writerWakeups.count).map { index in
            OSThread(name: "process-pool-\(index)", daemon: true) { [self] in
                runSlot(index)
                readers.withLock { $0[index] = nil }
            }
        }
        // Listed before they start, so a reader that ends at once can forget itself.
        readers.withLock { $0 = threads }
        for thread in threads { try thread.start() }
    }

    func submit(_ job: PoolJob) throws {
        // Traced when handed to the pool (the worker is not known yet: pid 0); the
        // finish record names the worker that ran it.
        if DiagnosticsHooks.isActive {
            DiagnosticsHooks.processTaskDispatched(id: job.id, pid: 0, label: job.taskName)
        }
        switch state.withLock({ $0.submit(job) }) {
        case .rejected(let error): throw error
        case .queued: break
        case .sent(let slot, let wake): if wake { writerWakeups[slot].signal() }
        }
    }

    func shutdown(wait: Bool, cancelFutures: Bool) {
        let action = state.withLock { $0.shutdown(cancelPending: cancelFutures) }
        for job in action.cancelled where !job.completion.cancel() {
            job.completion.fail(CancellationError())
        }
        // Refused for the jobs their workers have started: those finish as usual.
        for job in action.cancelInFlight { _ = job.completion.cancel() }
        for slot in action.wakeWriters { writerWakeups[slot].signal() }
        guard wait else { return }
        for thread in readers.withLock({ $0.compactMap { $0 } }) {
            // A done callback that shuts the pool down runs on a reader: it cannot join itself.
            do { try thread.join() } catch {}
        }
    }

    var workerPIDs: [Int32] { state.withLock { $0.workerPIDs } }

    // MARK: one slot

    private struct WorkerProcess {
        var pid: Int32
        var channel: Int32
        /// The read end of the worker's standard error.
        var errors: Int32
    }

    private func spawnWorker(page: SharedPage) throws(SystemCallError) -> WorkerProcess {
        let pair = try ProcessSyscalls.makeSocketPair()
        let errors: (read: Int32, write: Int32)
        do {
            errors = try ProcessSyscalls.makePipe()
        } catch {
            ProcessSyscalls.close(pair.parent)
            ProcessSyscalls.close(pair.child)
            throw error
        }
        var toClose = [pair.child, errors.write]
        defer { for fd in toClose { ProcessSyscalls.close(fd) } }
        do {
            // Children receive their descriptors as 2, 3 and 4: move ours out of that range
            // first.
            let childChannel = try ProcessSyscalls.duplicate(pair.child, atLeast: 10)
            toClose.append(childChannel)
            let childShared = try ProcessSyscalls.duplicate(page.descriptor, atLeast: 10)
            toClose.append(childShared)
            let childErrors = try ProcessSyscalls.duplicate(errors.write, atLeast: 10)
            toClose.append(childErrors)
            let marker = "\(workerEnvironmentKey)=3,4,\(ProcessSyscalls.processID())"
            let pid = try ProcessSyscalls.spawn(
                path: executable, arguments: [executable], environment: environment + [marker],
                mapping: [(childChannel, 3), (childShared, 4), (childErrors, 2)])
            return WorkerProcess(pid: pid, channel: pair.parent, errors: errors.read)
        } catch {
            ProcessSyscalls.close(pair.parent)
            ProcessSyscalls.close(errors.read)
            throw error
        }
    }

    private func runSlot(_ index: Int) {
        // Set when the shared memory for the next process could not be made.
        var pageFailure: SystemCallError?
        while true {
            let page = state.withLock { $0.slots[index].page }
            let worker: WorkerProcess
            do {
                if let pageFailure { throw pageFailure }
                worker = try spawnWorker(page: page)
            } catch {
                let jobs = state.withLock {
                    $0.spawnFailed(slot: index, message: "cannot start a worker: \(error)")
                }
                let broken = ExecutorError.broken("cannot start a worker: \(error)")
                for job in jobs { job.completion.fail(broken) }
                return
            }
            if state.withLock({ $0.workerStarted(slot: index, pid: worker.pid) }) {
                writerWakeups[index].signal()
            }
            let channel = worker.channel
            let writer = OSThread(name: "process-pool-\(index)-writer", daemon: true) { [self] in
                runWriter(index, channel: channel)
            }
            let errorOutput = LockedState(WorkerErrorOutput())
            let errors = worker.errors
            let relay = OSThread(name: "process-pool-\(index)-stderr", daemon: true) {
                Self.relayErrors(from: errors, into: errorOutput)
            }
            var detail: String?
            do { try writer.start() } catch { detail = "cannot start its writer thread: \(error)" }
            var relayStarted = true
            do {
                try relay.start()
            } catch {
                relayStarted = false
                ProcessSyscalls.close(errors)
            }
            var cutShort = false
            if detail == nil {
                switch readAnswers(index, channel: channel, pid: worker.pid) {
                case .endOfFile: break
                case .endOfFileInsideMessage: cutShort = true
                case .protocolError(let message): detail = message
                }
            }
            // The channel is closed or broken: make sure the process is gone, then reap it.
            ProcessSyscalls.kill(worker.pid)
            let status = try? ProcessSyscalls.waitForExit(worker.pid)
            // The process is gone: its shared memory holds its last word.
            let startedCount = page.startedCount
            if state.withLock({ $0.workerEnded(slot: index) }) { writerWakeups[index].signal() }
            _ = try? writer.join()
            ProcessSyscalls.close(channel)
            // The relay ends at end-of-file, once the worker (and anything it started that
            // kept its standard error) is gone; the bound keeps such a leftover from
            // holding the pool. The relay closes the pipe itself, so a descriptor it may
            // still be reading is never closed under it (and reused by the next worker).
            if relayStarted { _ = try? relay.join(timeout: .seconds(2)) }
            deliverUnsentAnswers(index, page: page, pid: worker.pid)
            var reason = detail ?? status.map(\.description) ?? "lost"
            if cutShort { reason += " (its last message was cut short)" }
            reason += Self.crashSummary(errorOutput.withLock { $0 }, pid: worker.pid)
            let nextPage: SharedPage
            do {
                nextPage = try SharedPage.make()
            } catch {
                // The next spawn fails with this, which breaks the pool.
                nextPage = SharedPage.inMemory()
                pageFailure = error
            }
            let action = state.withLock {
                $0.workerExited(slot: index, startedCount: startedCount, nextPage: nextPage, detail: reason)
            }
            if let (message, jobs) = action.broken {
                for job in jobs { job.completion.fail(ExecutorError.broken(message)) }
                for slot in writerWakeups.indices { writerWakeups[slot].signal() }
                return
            }
            let error = ProcessPoolError.workerDied(pid: worker.pid, detail: reason)
            if DiagnosticsHooks.isActive {
                for job in action.failed {
                    DiagnosticsHooks.processTaskFinished(id: job.id, pid: worker.pid, failed: true)
                }
            }
            for job in action.failed { job.completion.fail(error) }
            for slot in action.wakeWriters { writerWakeups[slot].signal() }
            if !action.respawn { return }
        }
    }

    /// Passes the worker's standard error through to ours until a crash report starts,
    /// keeping that report in `output` (see `WorkerErrorOutput`). Owns `fd`: closes it at
    /// end-of-file.
    private static func relayErrors(from fd: Int32, into output: LockedState<WorkerErrorOutput>) {
        defer { ProcessSyscalls.close(fd) }
        var chunk = [UInt8](repeating: 0, count: 1 << 12)
        while true {
            let count = (try? ProcessSyscalls.read(fd, into: &chunk)) ?? 0
            let through =
                count > 0
                ? output.withLock { $0.append(chunk[..<count]) } : output.withLock { $0.finish() }
            if !through.isEmpty { through.withUnsafeBytes { _ = try? ProcessSyscalls.writeAll(2, $0) } }
            if count <= 0 { return }
        }
    }

    /// ": FIRST LINE (report in FILE)" for a worker that printed a crash report, else "".
    private static func crashSummary(_ output: WorkerErrorOutput, pid: Int32) -> String {
        guard let line = output.crashLine else { return "" }
        let path = "\(ProcessSyscalls.temporaryDirectory())/swift-threading-worker-\(pid)-crash.txt"
        let saved = ProcessSyscalls.writeFile(path, lines: output.report)
        return ": " + line + (saved ? " (report in \(path))" : "")
    }

    /// Completes the jobs whose answers a dead worker had finished but not sent: they are
    /// in its shared memory.
    private func deliverUnsentAnswers(_ index: Int, page: SharedPage, pid: Int32) {
        let bytes = page.unsentAnswers()
        guard !bytes.isEmpty else { return }
        var parser = FrameParser()
        bytes.withUnsafeBytes { parser.append($0) }
        var frames: [Frame] = []
        var statuses: [Wire.Status] = []
        // A torn or malformed tail is simply where the usable answers end.
        while let frame = try? parser.next(expecting: Wire.resultKind),
            let first = frame.rest.first, let status = Wire.Status(rawValue: first)
        {
            frames.append(frame)
            statuses.append(status)
        }
        let (skipped, jobs) = state.withLock { $0.answersRecovered(slot: index, ids: frames.map(\.id)) }
        complete(jobs, frames: frames[skipped...], statuses: statuses[skipped...], pid: pid)
    }

    /// Completes `jobs` with the answers in `frames` (same order, same count or more).
    private func complete(
        _ jobs: [PoolJob], frames: ArraySlice<Frame>, statuses: ArraySlice<Wire.Status>, pid: Int32
    ) {
        if DiagnosticsHooks.isActive {
            for (offset, job) in jobs.enumerated() {
                DiagnosticsHooks.processTaskFinished(
                    id: job.id, pid: pid, failed: statuses[statuses.startIndex + offset] != .ok)
            }
        }
        for (offset, job) in jobs.enumerated() {
            job.ticket.finish()
            let status = statuses[statuses.startIndex + offset]
            // A skipped job's future was cancelled when its cell was claimed.
            if status == .cancelled { continue }
            job.completion.finish(
                status: status, body: frames[frames.startIndex + offset].rest.dropFirst(),
                taskName: job.taskName)
        }
    }

    private enum ReadEnd {
        case endOfFile
        case endOfFileInsideMessage
        /// Garbage: a bad length, kind or status, or an answer to a job it was not given.
        case protocolError(String)
    }

    /// Reads answers until end-of-file or garbage.
    private func readAnswers(_ index: Int, channel: Int32, pid: Int32) -> ReadEnd {
        var parser = FrameParser()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var frames: [Frame] = []
        while true {
            let count: Int
            do {
                count = try ProcessSyscalls.read(channel, into: &chunk)
            } catch {
                // ECONNRESET and the like: the worker is gone, as at end-of-file.
                return .endOfFile
            }
            if count == 0 { return parser.hasPartialFrame ? .endOfFileInsideMessage : .endOfFile }
            chunk.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            var failure: String?
            frames.removeAll(keepingCapacity: true)
            do {
                while let frame = try parser.next(expecting: Wire.resultKind) { frames.append(frame) }
            } catch {
                failure = "protocol error: \(error)"
            }
            var statuses: [Wire.Status] = []
            statuses.reserveCapacity(frames.count)
            for frame in frames {
                guard let first = frame.rest.first, let status = Wire.Status(rawValue: first) else {
                    failure = failure ?? "protocol error: bad answer status"
                    break
                }
                statuses.append(status)
            }
            let ids = frames.prefix(statuses.count).map(\.id)
            let jobs: [PoolJob]
            switch state.withLock({ $0.resultsArrived(slot: index, ids: ids) }) {
            case .delivered(let delivered, let wake):
                jobs = delivered
                if wake { writerWakeups[index].signal() }
            case .protocolError(let delivered, let message):
                jobs = delivered
                failure = failure ?? "protocol error: \(message)"
            }
            complete(jobs, frames: frames[...], statuses: statuses[...], pid: pid)
            if let failure { return .protocolError(failure) }
        }
    }

    private func runWriter(_ index: Int, channel: Int32) {
        while true {
            switch state.withLock({ $0.writerNext(slot: index) }) {
            case .write(let bytes):
                do {
                    try bytes.withUnsafeBytes { buffer in
                        try ProcessSyscalls.sendAll(channel, buffer)
                    }
                } catch {
                    // The worker is gone; its reader sees end-of-file and cleans up.
                    return
                }
            case .closeWriteSide:
                ProcessSyscalls.shutdownWrite(channel)
                return
            case .stop:
                return
            case .sleep:
                writerWakeups[index].wait()
            }
        }
    }
}
