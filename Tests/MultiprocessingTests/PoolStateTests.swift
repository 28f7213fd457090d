import Testing
import ThreadingTestSupport

@testable import Multiprocessing
@testable import ProbeTasks

/// A completion that records what the pool did with its job; its `cancel()` asks the
/// job's ticket, as `Future.cancel()` does.
final class FakeCompletion: JobCompletion, @unchecked Sendable {
    // No lock: only touched by the single test thread that drives the state.
    let ticket: JobTicket
    var cancelled = false
    var finished = 0
    var failures: [any Error] = []

    init(ticket: JobTicket) { self.ticket = ticket }

    func cancel() -> Bool {
        if !cancelled { cancelled = ticket.closeBeforeStart() }
        return cancelled
    }
    func finish(status: Wire.Status, body: ArraySlice<UInt8>, taskName: String) { finished += 1 }
    func fail(_ error: any Error) { failures.append(error) }
}

func job(_ id: UInt64) -> (PoolJob, FakeCompletion) {
    let ticket = JobTicket()
    let completion = FakeCompletion(ticket: ticket)
    return (
        PoolJob(
            id: id, taskName: "t", frame: [UInt8(truncatingIfNeeded: id)], completion: completion,
            ticket: ticket),
        completion
    )
}

/// A pool state over memory that is not shared: no processes in these tests.
func poolState(workers: Int, window: Int, maxTasksPerChild: Int?) -> PoolState {
    PoolState(
        window: window, maxTasksPerChild: maxTasksPerChild,
        pages: (0..<workers).map { _ in SharedPage.inMemory() })
}

/// `PoolState` without threads or processes: each event's action, and invariants after
/// every step.
@Suite(.hangGuard)
struct PoolStateTests {
    @Test func submitGoesToTheLeastLoadedSlot() {
        var state = poolState(workers: 2, window: 4, maxTasksPerChild: nil)
        var slots: [Int] = []
        for id in 1...4 {
            guard case .sent(let slot, _) = state.submit(job(UInt64(id)).0) else {
                Issue.record("expected sent")
                return
            }
            slots.append(slot)
        }
        #expect(slots.sorted() == [0, 0, 1, 1])
        #expect(state.checkInvariants())
    }

    @Test func beyondTheWindowJobsQueue() {
        var state = poolState(workers: 1, window: 2, maxTasksPerChild: nil)
        let (a, ca) = job(1)
        let (b, _) = job(2)
        let (c, cc) = job(3)
        _ = state.submit(a)
        _ = state.submit(b)
        guard case .queued = state.submit(c) else {
            Issue.record("expected queued")
            return
        }
        #expect(!ca.cancelled)
        #expect(state.slots[0].inFlight.first?.id == 1)
        #expect(state.pending.first?.id == 3)
        // The first answer makes room: the queued job moves to the slot.
        guard case .delivered(let jobs, _) = state.resultsArrived(slot: 0, ids: [1]) else {
            Issue.record("expected delivered")
            return
        }
        #expect(jobs.map(\.id) == [1])
        #expect(state.slots[0].inFlight.jobs.map(\.id) == [2, 3])
        #expect(!cc.cancelled)
        #expect(state.pending.isEmpty)
        #expect(state.checkInvariants())
    }

    @Test func writerSleepsThenIsWokenBySubmit() {
        var state = poolState(workers: 1, window: 8, maxTasksPerChild: nil)
        guard case .sleep = state.writerNext(slot: 0) else {
            Issue.record("expected sleep")
            return
        }
        guard case .sent(0, wakeWriter: true) = state.submit(job(1).0) else {
            Issue.record("expected a wake")
            return
        }
        guard case .sent(0, wakeWriter: false) = state.submit(job(2).0) else {
            Issue.record("expected no second wake")
            return
        }
        guard case .write(let bytes) = state.writerNext(slot: 0) else {
            Issue.record("expected write")
            return
        }
        #expect(bytes == [1, 2])
    }

    @Test func anAnswerOutOfOrderIsAProtocolError() {
        var state = poolState(workers: 1, window: 8, maxTasksPerChild: nil)
        _ = state.submit(job(1).0)
        _ = state.submit(job(2).0)
        guard case .protocolError(let jobs, _) = state.resultsArrived(slot: 0, ids: [2]) else {
            Issue.record("expected protocolError")
            return
        }
        #expect(jobs.isEmpty)
    }

    @Test func aDeadWorkerFailsWhatItStartedAndRequeuesTheRest() {
        var state = poolState(workers: 1, window: 8, maxTasksPerChild: nil)
        let jobs = (1...5).map { job(UInt64($0)) }
        for (j, _) in jobs { _ = state.submit(j) }
        _ = state.resultsArrived(slot: 0, ids: [1])
        // It had started jobs 1, 2 and 3 (answered 1): 2 and 3 fail, 4 and 5 go back.
        _ = state.workerEnded(slot: 0)
        let action = state.workerExited(slot: 0, startedCount: 3, nextPage: .inMemory())
        #expect(action.failed.map(\.id) == [2, 3])
        #expect(action.respawn)
        #expect(state.pending.count == 2)
        _ = state.workerStarted(slot: 0, pid: 42)
        #expect(state.slots[0].inFlight.count == 2)
        // A requeued job can still be cancelled; a failed one cannot.
        #expect(jobs[3].1.cancel())
        #expect(!jobs[1].1.cancel())
        #expect(state.checkInvariants())
    }

    @Test func maxTasksPerChildRetiresTheWorker() {
        var state = poolState(workers: 1, window: 8, maxTasksPerChild: 2)
        for id in 1...3 { _ = state.submit(job(UInt64(id)).0) }
        #expect(state.slots[0].inFlight.count == 2)
        #expect(state.pending.count == 1)
        guard case .write = state.writerNext(slot: 0), case .closeWriteSide = state.writerNext(slot: 0),
            case .stop = state.writerNext(slot: 0)
        else {
            Issue.record("expected write, close, stop")
            return
        }
        _ = state.resultsArrived(slot: 0, ids: [1, 2])
        #expect(state.pending.count == 1)  // not given to the retiring worker
        _ = state.workerEnded(slot: 0)
        let action = state.workerExited(slot: 0, startedCount: 2, nextPage: .inMemory())
        #expect(action.failed.isEmpty)
        #expect(action.respawn)
        _ = state.workerStarted(slot: 0, pid: 7)
        #expect(state.slots[0].inFlight.count == 1)
        #expect(state.checkInvariants())
    }

    @Test func shutdownRejectsAndRetiresIdleWorkers() {
        var state = poolState(workers: 2, window: 8, maxTasksPerChild: nil)
        _ = state.workerStarted(slot: 0, pid: 1)
        _ = state.workerStarted(slot: 1, pid: 2)
        _ = state.submit(job(1).0)
        let action = state.shutdown(cancelPending: false)
        #expect(action.cancelled.isEmpty)
        guard case .rejected(let error) = state.submit(job(2).0) else {
            Issue.record("expected rejected")
            return
        }
        #expect(error as? ExecutorError == .shutDown)
        // The busy slot retires after its answer; the idle one at once.
        let busy = state.slots[0].inFlight.isEmpty ? 1 : 0
        #expect(state.slots[1 - busy].retiring)
        #expect(!state.slots[busy].retiring)
        _ = state.resultsArrived(slot: busy, ids: [1])
        #expect(state.slots[busy].retiring)
        _ = state.workerEnded(slot: busy)
        #expect(!state.workerExited(slot: busy, startedCount: 1, nextPage: .inMemory()).respawn)
        #expect(state.slots[busy].status == .stopped)
    }

    @Test func shutdownCancelsPendingJobs() {
        var state = poolState(workers: 1, window: 1, maxTasksPerChild: nil)
        _ = state.submit(job(1).0)
        _ = state.submit(job(2).0)
        let action = state.shutdown(cancelPending: true)
        #expect(action.cancelled.map(\.id) == [2])
        #expect(state.pending.isEmpty)
    }

    @Test func aCancelledQueuedJobIsSkipped() {
        var state = poolState(workers: 1, window: 1, maxTasksPerChild: nil)
        _ = state.submit(job(1).0)
        let (b, cb) = job(2)
        let (c, _) = job(3)
        _ = state.submit(b)
        _ = state.submit(c)
        #expect(cb.cancel())
        _ = state.resultsArrived(slot: 0, ids: [1])
        #expect(state.slots[0].inFlight.first?.id == 3)
    }

    @Test func aFailedSpawnBreaksThePool() {
        var state = poolState(workers: 1, window: 1, maxTasksPerChild: nil)
        _ = state.submit(job(1).0)
        _ = state.submit(job(2).0)
        let jobs = state.spawnFailed(slot: 0, message: "no")
        #expect(jobs.map(\.id).sorted() == [1, 2])
        guard case .rejected(let error) = state.submit(job(3).0) else {
            Issue.record("expected rejected")
            return
        }
        #expect(error as? ExecutorError == .broken("no"))
    }

    /// Every sequence of up to 6 events on a pool of one worker (window 2, two jobs per
    /// child): no job is lost or duplicated, and the invariants hold after every step.
    @Test func exhaustiveEventSequences() {
        enum Event: CaseIterable { case submit, answer, crash, start, write, shutdown }
        var sequences: [[Event]] = [[]]
        for _ in 0..<6 { sequences = sequences.flatMap { s in Event.allCases.map { s + [$0] } } }
        for sequence in sequences {
            var state = poolState(workers: 1, window: 2, maxTasksPerChild: 2)
            var nextID: UInt64 = 1
            var submitted = 0
            var done = 0
            var started: UInt32 = 0
            var processUp = false
            for event in sequence {
                switch event {
                case .submit:
                    if case .rejected = state.submit(job(nextID).0) {} else { submitted += 1 }
                    nextID += 1
                case .answer:
                    if processUp, let first = state.slots[0].inFlight.first {
                        started &+= 1
                        if case .delivered(let jobs, _) = state.resultsArrived(slot: 0, ids: [first.id]) {
                            done += jobs.count
                        }
                    }
                case .crash:
                    if processUp {
                        _ = state.workerEnded(slot: 0)
                        let unanswered = UInt32(min(1, state.slots[0].inFlight.count))
                        let action = state.workerExited(
                            slot: 0, startedCount: started &+ unanswered, nextPage: .inMemory())
                        done += action.failed.count
                        started = 0
                        processUp = false
                    }
                case .start:
                    if !processUp, state.slots[0].status == .starting {
                        _ = state.workerStarted(slot: 0, pid: 9)
                        processUp = true
                    }
                case .write:
                    _ = state.writerNext(slot: 0)
                case .shutdown:
                    _ = state.shutdown(cancelPending: false)
                }
                #expect(state.checkInvariants(), "after \(sequence)")
                let held = state.pending.count + state.slots[0].inFlight.count
                #expect(held + done == submitted, "jobs lost or duplicated after \(sequence)")
            }
        }
    }
}
