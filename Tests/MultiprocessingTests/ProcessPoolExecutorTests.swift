import Foundation
import Multiprocessing
import Testing
import ThreadingTestSupport

@testable import ProbeTasks

/// The intent of CPython's test_process_pool.py and test_shutdown.py.
@Suite(.hangGuard)
struct ProcessPoolExecutorTests {
    @Test func submitReturnsTheOutput() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(try pool.submit(AddOne(x: 41)).result(timeout: Delay.bound) == 42)
    }

    @Test func manySubmitsAllComplete() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let n = 2_000
        let futures = try (0..<n).map { try pool.submit(AddOne(x: $0)) }
        var sum = 0
        for future in futures { sum += try future.result(timeout: Delay.bound) }
        #expect(sum == n * (n + 1) / 2)
    }

    @Test func tasksRunInWorkerProcesses() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let pid = try pool.submit(PidTask(tag: 0)).result(timeout: Delay.bound)
        #expect(pid != getpid())
        #expect(pool.workerProcessIDs.contains(pid))
    }

    @Test(arguments: [1, 7, 100, 1_000])
    func mapReturnsOutputsInOrder(chunkSize: Int) throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let outputs = try pool.map((0..<500).map { AddOne(x: $0) }, chunkSize: chunkSize)
        #expect(outputs == Array(1...500))
    }

    @Test func largeMessagesCrossInPieces() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let big = String(repeating: "abcdefghij", count: 400_000)  // 4 MB each way
        let futures = try (0..<4).map { i in try pool.submit(EchoTask(text: big + "\(i)")) }
        let small = try (0..<100).map { try pool.submit(AddOne(x: $0)) }
        for (i, future) in futures.enumerated() {
            #expect(try future.result(timeout: Delay.bound) == String((big + "\(i)").reversed()))
        }
        for (i, future) in small.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
    }

    @Test func mapOfNothingIsEmpty() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(try pool.map([AddOne]()).isEmpty)
    }

    @Test func mapThrowsTheFirstErrorInInputOrder() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(throws: ProcessPoolError.remote(type: "ProbeError", message: "probe failure: first")) {
            _ = try pool.map([FailTask(message: "first"), FailTask(message: "second")])
        }
    }

    /// The task cannot end before the test releases it, after `map` returned: so the
    /// `TimeoutError` shows `map` did not wait for it, with no wall-clock bound to check.
    @Test func mapTimesOut() throws {
        let pool = try makePool(workers: 1)
        defer { pool.shutdown(wait: true, cancelFutures: true) }
        let report = try Fifo()
        let release = try Fifo()
        #expect(throws: TimeoutError.self) {
            _ = try pool.map(
                [HoldTask(reportPath: report.path, releasePath: release.path)], timeout: .milliseconds(100))
        }
        _ = try #require(report.readPID())
        release.hangUp()
    }

    @Test func mapRejectsBadArguments() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(throws: ThreadingError.self) { _ = try pool.map([AddOne(x: 1)], chunkSize: 0) }
        #expect(throws: ThreadingError.self) { _ = try pool.map([AddOne(x: 1)], timeout: .seconds(-1)) }
    }

    @Test func taskErrorsArriveAsRemote() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let error = failure(of: try pool.submit(FailTask(message: "boom")))
        #expect(error as? ProcessPoolError == .remote(type: "ProbeError", message: "probe failure: boom"))
        // A task that threw finished normally: the pool goes on.
        #expect(try pool.submit(AddOne(x: 1)).result(timeout: Delay.bound) == 2)
    }

    @Test func initRejectsBadArguments() {
        #expect(throws: ThreadingError.self) { _ = try makePool(workers: 0) }
        #expect(throws: ThreadingError.self) { _ = try makePool(maxTasksPerChild: 0) }
        #expect(throws: ThreadingError.self) {
            _ = try ProcessPoolExecutor(
                maxWorkers: 1, tasks: probeTasks, workerExecutable: "/nonexistent/worker")
        }
    }

    @Test func defaultWorkerCountIsTheCoreCount() throws {
        let pool = try ProcessPoolExecutor(tasks: probeTasks, workerExecutable: probePath)
        defer { pool.shutdown() }
        #expect(pool.maxWorkers == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func submitOfAnUnregisteredTypeThrows() throws {
        let pool = try makePool(tasks: [AddOne.self])
        defer { pool.shutdown() }
        #expect(throws: ProcessPoolError.unknownTask("probe.PidTask")) {
            _ = try pool.submit(PidTask(tag: 1))
        }
    }

    @Test func aTypeTheWorkerDoesNotKnowFailsItsFuture() throws {
        let pool = try makePool(tasks: probeTasks + [NotInWorker.self])
        defer { pool.shutdown() }
        #expect(
            failure(of: try pool.submit(NotInWorker(x: 1))) as? ProcessPoolError
                == .unknownTask("tests.NotInWorker"))
        #expect(try pool.submit(AddOne(x: 1)).result(timeout: Delay.bound) == 2)
    }

    @Test func runWorkerIfRequestedReturnsAtOnceOutsideAWorker() {
        ProcessPoolExecutor.runWorkerIfRequested(tasks: probeTasks)
        // Reaching this line is the test.
        #expect(Bool(true))
    }

    @Test func aMalformedWorkerMarkerEndsTheProgram() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: probePath)
        process.environment = ["SWIFT_THREADING_WORKER": "not,numbers"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
    }

    @Test func aPoolOutlivesTheThreadThatMadeIt() throws {
        // PR_SET_PDEATHSIG fires when the spawning *thread* ends; the pool spawns from its
        // own threads, so a short-lived creator thread does not take the workers with it.
        let made = Unguarded<(ProcessPoolExecutor, [Int32])?>(nil)
        let creator = OSThread {
            let pool = try makePool()
            var pids = Set<Int32>()
            while pids.count < 2 {
                pids.formUnion(try pool.map([SleepTask(milliseconds: 20), SleepTask(milliseconds: 20)]))
            }
            made.value = (pool, pids.sorted())
        }
        try creator.start()
        try creator.join()
        let (pool, pids) = try #require(made.value)
        defer { pool.shutdown() }
        // Had the creator spawned them, its exit would kill them: none ends for a while.
        #expect(!waitUntilEnded(pids, any: true, within: Delay.settle))
        #expect(pool.workerProcessIDs.sorted() == pids)
        #expect(try pool.map((0..<100).map { AddOne(x: $0) }) == Array(1...100))
    }

    // MARK: shutdown (test_shutdown.py)

    @Test func submitAfterShutdownThrows() throws {
        let pool = try makePool()
        pool.shutdown()
        #expect(throws: ExecutorError.shutDown) { _ = try pool.submit(AddOne(x: 1)) }
        pool.shutdown()  // a second call is harmless
    }

    @Test func shutdownWaitsForSubmittedWork() throws {
        let pool = try makePool()
        let futures = try (0..<300).map { try pool.submit(AddOne(x: $0)) }
        let slow = try pool.submit(SleepTask(milliseconds: 200))
        pool.shutdown(wait: true)
        #expect(futures.allSatisfy { $0.isDone })
        #expect(slow.isDone)
        #expect(try futures[299].result() == 300)
    }

    @Test func shutdownEndsTheWorkers() throws {
        let pool = try makePool()
        _ = try pool.map([PidTask(tag: 0), PidTask(tag: 1)])
        let pids = pool.workerProcessIDs
        #expect(pids.count == 2)
        pool.shutdown(wait: true)
        // The pool reaped them: they are gone, not zombies.
        #expect(pids.allSatisfy { kill($0, 0) != 0 })
    }

    @Test func shutdownWithoutWaitStillFinishesTheWork() throws {
        let pool = try makePool()
        let futures = try (0..<100).map { try pool.submit(AddOne(x: $0)) }
        pool.shutdown(wait: false)
        for (i, future) in futures.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
    }

    @Test func shutdownCancelsFuturesNotYetStarted() throws {
        // One worker: the holder keeps it until the cancelling shutdown has returned,
        // while the rest wait, in flight or in the queue.
        let pool = try makePool(workers: 1)
        let report = try Fifo()
        let release = try Fifo()
        let holder = try pool.submit(HoldTask(reportPath: report.path, releasePath: release.path))
        let futures = try (0..<300).map { try pool.submit(AddOne(x: $0)) }
        // Started: cancelling no longer touches it.
        let holderPID = try #require(report.readPID())
        pool.shutdown(wait: false, cancelFutures: true)
        release.hangUp()
        pool.shutdown(wait: true)
        #expect(try holder.result() == holderPID)
        var cancelled = 0
        for (i, future) in futures.enumerated() {
            do {
                #expect(try future.result() == i + 1)
            } catch is CancellationError {
                cancelled += 1
            }
        }
        #expect(cancelled == futures.count)
        #expect(futures.allSatisfy { $0.isDone })
    }

    /// The one worker is held until the cancel, so the last task cannot have started.
    @Test func cancelledFutureIsNotRun() throws {
        let pool = try makePool(workers: 1)
        defer { pool.shutdown() }
        let report = try Fifo()
        let release = try Fifo()
        let holder = try pool.submit(HoldTask(reportPath: report.path, releasePath: release.path))
        let queued = try (0..<200).map { try pool.submit(AddOne(x: $0)) }
        let holderPID = try #require(report.readPID())
        let last = try #require(queued.last)
        #expect(last.cancel())
        #expect(throws: CancellationError.self) { _ = try last.result() }
        release.hangUp()
        #expect(try holder.result(timeout: Delay.bound) == holderPID)
        #expect(try queued[198].result(timeout: Delay.bound) == 199)
    }

    @Test func deinitShutsThePoolDown() throws {
        var pids: [Int32] = []
        do {
            let pool = try makePool()
            _ = try pool.map([PidTask(tag: 0), PidTask(tag: 1)])
            pids = pool.workerProcessIDs
        }
        #expect(pids.count == 2)
        #expect(waitUntilEnded(pids))
    }
}
