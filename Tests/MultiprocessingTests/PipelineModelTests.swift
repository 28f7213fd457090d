import Foundation
import Testing
import ThreadingTestSupport

@testable import Multiprocessing
@testable import ProbeTasks

/// The pool's bookkeeping of finished / started / in-flight / cancelled jobs, driven with
/// a simulated worker and no threads or processes. The simulated worker does what
/// `WorkerLoop` does, on the same cells (`SharedLayout`): claim a job's cell, count it
/// reached, run it, keep its answer in shared memory, send answers in batches.
struct PipelineModel {
    enum Event: CaseIterable {
        case submit, spawn, start, finish, flush, read, cancelFirst, cancelLast, crash, crashMidFlush
        case shutdownCancelling
    }

    var state = poolState(workers: 1, window: 2, maxTasksPerChild: nil)
    var jobs: [(PoolJob, FakeCompletion)] = []
    var processUp = false
    /// Ids of the jobs given to the current process, in the order sent.
    var processJobs: [UInt64] = []
    var reached = 0
    var running: UInt64?
    /// Answers in the worker's shared memory / in the channel, not yet read by the pool.
    var unsent: [(UInt64, Wire.Status)] = []
    var sent: [(UInt64, Wire.Status)] = []

    var ran: [UInt64] = []
    var finishedInWorker: Set<UInt64> = []
    var cancelAccepted: Set<UInt64> = []
    var delivered: [UInt64] = []
    var failed: [UInt64] = []
    var broken: [UInt64] = []
    var problems: [String] = []
    /// Jobs whose future `cancel()` was called (once each: a second call changes nothing).
    var cancelTried: Set<UInt64> = []

    var page: SharedPage { state.slots[0].page }

    /// Picks up the jobs the pool gave to the current process since the last look.
    mutating func sync() {
        for job in state.slots[0].inFlight.jobs where !processJobs.contains(job.id) {
            processJobs.append(job.id)
        }
    }

    mutating func deliver(_ answers: [(UInt64, Wire.Status)], jobs popped: [PoolJob]) {
        for (offset, job) in popped.enumerated() {
            if answers[offset].0 != job.id {
                problems.append("answer \(answers[offset].0) given to \(job.id)")
            }
            if answers[offset].1 == .ok { delivered.append(job.id) }
        }
    }

    mutating func cancel(_ index: Int) {
        guard index < jobs.count else { return }
        let (job, completion) = jobs[index]
        cancelTried.insert(job.id)
        if completion.cancel() {
            cancelAccepted.insert(job.id)
            if ran.contains(job.id) { problems.append("cancel of \(job.id) accepted after it started") }
        }
    }

    /// Applies `event`; false when it does not apply in this state (the sequence is pruned).
    mutating func apply(_ event: Event) -> Bool {
        defer { sync() }
        switch event {
        case .submit:
            guard jobs.count < 3 else { return false }
            let made = job(UInt64(jobs.count + 1))
            if case .rejected = state.submit(made.0) { return false }
            jobs.append(made)
        case .spawn:
            guard !processUp, state.slots[0].status == .starting else { return false }
            _ = state.workerStarted(slot: 0, pid: 9)
            processUp = true
        case .start:
            guard processUp, running == nil, reached < processJobs.count else { return false }
            reached += 1
            let id = processJobs[reached - 1]
            if SharedLayout.claimCell(page.base, sequence: reached, to: SharedLayout.started) {
                if ran.contains(id) { problems.append("job \(id) ran twice") }
                if cancelAccepted.contains(id) { problems.append("cancelled job \(id) started") }
                ran.append(id)
                running = id
            } else {
                if !cancelAccepted.contains(id) { problems.append("job \(id) skipped but not cancelled") }
                unsent.append((id, .cancelled))
            }
        case .finish:
            guard let id = running else { return false }
            finishedInWorker.insert(id)
            unsent.append((id, .ok))
            running = nil
        case .flush:
            guard !unsent.isEmpty else { return false }
            sent += unsent
            unsent = []
        case .read:
            guard !sent.isEmpty else { return false }
            readSent()
        case .cancelFirst:
            guard let first = jobs.first, !cancelTried.contains(first.0.id) else { return false }
            cancel(0)
        case .cancelLast:
            guard jobs.count > 1, let last = jobs.last, !cancelTried.contains(last.0.id) else { return false }
            cancel(jobs.count - 1)
        case .crash, .crashMidFlush:
            guard processUp else { return false }
            // Killed after sending but before saying so: the answers are in both places.
            if event == .crashMidFlush {
                guard !unsent.isEmpty else { return false }
                sent += unsent
            }
            crash()
        case .shutdownCancelling:
            guard state.phase == .running else { return false }
            let action = state.shutdown(cancelPending: true)
            for job in action.cancelled + action.cancelInFlight {
                guard let index = jobs.firstIndex(where: { $0.0.id == job.id }) else { continue }
                cancel(index)
                if action.cancelled.contains(where: { $0.id == job.id }), !cancelAccepted.contains(job.id) {
                    problems.append("queued job \(job.id) could not be cancelled")
                }
            }
        }
        return true
    }

    mutating func readSent() {
        let answers = sent
        sent = []
        switch state.resultsArrived(slot: 0, ids: answers.map(\.0)) {
        case .delivered(let popped, _): deliver(answers, jobs: popped)
        case .protocolError(_, let detail): problems.append("protocol error: \(detail)")
        }
    }

    /// The worker dies: the pool reads the channel to its end, recovers the answers in
    /// shared memory, and decides what failed and what runs again.
    mutating func crash() {
        if !sent.isEmpty { readSent() }
        _ = state.workerEnded(slot: 0)
        let recovered = state.answersRecovered(slot: 0, ids: unsent.map(\.0))
        deliver(Array(unsent[recovered.skipped...]), jobs: recovered.jobs)
        let action = state.workerExited(slot: 0, startedCount: UInt32(reached), nextPage: .inMemory())
        for job in action.failed {
            if job.id != running && !cancelAccepted.contains(job.id) {
                problems.append("job \(job.id) failed but was not running")
            }
            failed.append(job.id)
        }
        if let (_, jobs) = action.broken { broken += jobs.map(\.id) }
        processUp = false
        processJobs = []
        reached = 0
        running = nil
        unsent = []
        sent = []
    }

    /// Applies `events` in order; false when one of them did not apply.
    mutating func run(_ events: [Event]) -> Bool {
        for event in events where !apply(event) { return false }
        return true
    }

    /// Runs the worker until nothing is left, then checks every job's end.
    mutating func drainAndCheck() -> [String] {
        var steps = 0
        while steps < 100 {
            steps += 1
            if state.slots[0].status == .starting && !processUp {
                _ = apply(.spawn)
            } else if running != nil {
                _ = apply(.finish)
            } else if processUp && reached < processJobs.count {
                _ = apply(.start)
            } else if !unsent.isEmpty {
                _ = apply(.flush)
            } else if !sent.isEmpty {
                _ = apply(.read)
            } else {
                break
            }
        }
        var found = problems
        for (job, _) in jobs {
            let id = job.id
            let ends =
                delivered.filter { $0 == id }.count + (cancelAccepted.contains(id) ? 1 : 0)
                + failed.filter { $0 == id && !cancelAccepted.contains(id) }.count
                + broken.filter { $0 == id && !cancelAccepted.contains(id) }.count
            if ends != 1 { found.append("job \(id) ended \(ends) times") }
            if finishedInWorker.contains(id) && !delivered.contains(id) {
                found.append("job \(id) finished in its worker but its output was lost")
            }
            if delivered.contains(id) && cancelAccepted.contains(id) {
                found.append("job \(id) delivered although cancelled")
            }
        }
        if !state.pending.isEmpty || !state.slots[0].inFlight.isEmpty, broken.isEmpty {
            found.append("jobs left behind")
        }
        if !state.checkInvariants() { found.append("invariants broken") }
        return found
    }
}

@Suite(.hangGuard)
struct PipelineModelTests {
    /// Every sequence of up to `depth` applicable events (no-ops pruned), each run to the
    /// end: nothing finished is lost, only a running job fails, a job cancelled never
    /// starts, a started job is never cancelled, every job ends exactly once.
    @Test func exhaustiveEventSequences() {
        let depth = Stress.underTSan ? 6 : 8
        var checked = 0
        var failures: [String] = []
        func explore(_ prefix: [PipelineModel.Event]) {
            var model = PipelineModel()
            for event in prefix where !model.apply(event) { return }
            checked += 1
            let problems = model.drainAndCheck()
            if !problems.isEmpty, failures.count < 5 { failures.append("\(prefix): \(problems)") }
            guard prefix.count < depth, failures.isEmpty else { return }
            for event in PipelineModel.Event.allCases { explore(prefix + [event]) }
        }
        explore([])
        #expect(failures.isEmpty, "\(failures)")
        #expect(checked > 1_000)
    }

    @Test func aJobSentButNotReachedIsCancelledAndSkipped() {
        var model = PipelineModel()
        let applied = model.run([.submit, .submit, .spawn])
        #expect(applied)
        let cancelled = model.apply(.cancelLast)
        #expect(cancelled && model.cancelAccepted == [2])
        let ranOne = model.run([.start, .finish, .start])  // the second start skips job 2
        #expect(ranOne)
        #expect(model.ran == [1])
        let problems = model.drainAndCheck()
        #expect(problems.isEmpty, "\(problems)")
        #expect(model.delivered == [1])
    }

    @Test func aLateCancelCannotHitTheNextJobInTheSameCell() {
        let page = SharedPage.inMemory()
        let old = JobTicket()
        #expect(old.send(page: page, sequence: 3))
        #expect(SharedLayout.claimCell(page.base, sequence: 3, to: SharedLayout.started))
        // Answered; the pool reuses the cell for a later job before `old` hears of it.
        let new = JobTicket()
        #expect(new.send(page: page, sequence: 3 + SharedLayout.cellCount))
        #expect(!old.closeBeforeStart())
        #expect(new.closeBeforeStart())
        #expect(
            !SharedLayout.claimCell(page.base, sequence: 3 + SharedLayout.cellCount, to: SharedLayout.started)
        )
    }

    @Test func aStartedJobCannotBeCancelled() {
        var model = PipelineModel()
        let applied = model.run([.submit, .spawn, .start])
        #expect(applied)
        #expect(!model.jobs[0].1.cancel())
        let problems = model.drainAndCheck()
        #expect(problems.isEmpty, "\(problems)")
        #expect(model.delivered == [1])
    }

    @Test func answersKeptInMemorySurviveACrash() {
        var model = PipelineModel()
        let events: [PipelineModel.Event] = [.submit, .submit, .spawn, .start, .finish, .start, .crash]
        let applied = model.run(events)
        #expect(applied)
        #expect(model.delivered == [1])
        #expect(model.failed == [2])
        let problems = model.drainAndCheck()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func answersSentAndKeptAreDeliveredOnce() {
        var model = PipelineModel()
        let events: [PipelineModel.Event] = [.submit, .spawn, .start, .finish, .crashMidFlush]
        let applied = model.run(events)
        #expect(applied)
        #expect(model.delivered == [1])
        #expect(model.failed.isEmpty)
        let problems = model.drainAndCheck()
        #expect(problems.isEmpty, "\(problems)")
    }
}
