import Foundation
import Multiprocessing
import Testing
import ThreadingTestSupport

@testable import ProbeTasks

/// The intent of CPython's test_deadlock.py — a failure injected at every stage ends in a
/// named error, never a hang — plus what CPython cannot do: a dead worker fails only its
/// own task and the pool goes on.
@Suite(.hangGuard)
struct FaultContainmentTests {
    /// After any failure the pool still runs tasks on both workers.
    private func expectPoolStillWorks(_ pool: ProcessPoolExecutor) throws {
        let outputs = try pool.map((0..<50).map { AddOne(x: $0) })
        #expect(outputs == Array(1...50))
    }

    // MARK: a failure at each stage

    @Test func encodingTheTaskFailsAtSubmit() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(throws: EncodingError.self) { _ = try pool.submit(UnencodableTask(x: 1)) }
        try expectPoolStillWorks(pool)
    }

    @Test func decodingTheTaskInTheWorkerFails() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(isRemote(failure(of: try pool.submit(UndecodableInWorker(x: 1))), type: "DecodingError"))
        try expectPoolStillWorks(pool)
    }

    @Test func runningTheTaskFails() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(isRemote(failure(of: try pool.submit(FailTask(message: "x"))), type: "ProbeError"))
        try expectPoolStillWorks(pool)
    }

    @Test func encodingTheResultFails() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(isRemote(failure(of: try pool.submit(BadOutputTask(x: 1))), type: "EncodingError"))
        try expectPoolStillWorks(pool)
    }

    @Test func decodingTheResultInThePoolFails() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(isRemote(failure(of: try pool.submit(UndecodableOutputTask(x: 1))), type: "DecodingError"))
        try expectPoolStillWorks(pool)
    }

    @Test func aFailingChunkFailsOnlyItsMap() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let tasks = (0..<10).map { UndecodableInWorker(x: $0) }
        #expect(throws: ProcessPoolError.self) { _ = try pool.map(tasks, chunkSize: 3) }
        try expectPoolStillWorks(pool)
    }

    // MARK: dying workers

    @Test(arguments: [
        ("segv", "killed by SIGSEGV"), ("abort", "killed by SIGABRT"), ("exit3", "exit code 3"),
    ])
    func aCrashFailsOnlyItsTask(how: String, detail: String) throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let crash = try pool.submit(CrashTask(how: how))
        let others = try (0..<200).map { try pool.submit(AddOne(x: $0)) }
        #expect(isWorkerDied(failure(of: crash), detail: detail))
        for (i, future) in others.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
        try expectPoolStillWorks(pool)
        // The survivor may have run everything before the replacement is up: its slot's
        // writer parks once it is, which wakes the wait.
        waitUntil("a replacement worker runs") { pool.workerProcessIDs.count == 2 }
    }

    @Test func aTrapsMessageIsTheDetailAndItsReportAFile() throws {
        // The worker's backtrace stays out of our standard error; its first line (the
        // trap's message) is in the detail, the whole report in the file it names.
        let pool = try makePool()
        defer { pool.shutdown() }
        let error = failure(of: try pool.submit(CrashTask(how: "fatal")))
        guard case .workerDied(_, let detail)? = error as? ProcessPoolError else {
            Issue.record("expected .workerDied, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("Fatal error: probe boom"), "\(detail)")
        let marker = "(report in "
        let path = try #require(detail.range(of: marker)).upperBound
        let file = String(detail[path...].dropLast())
        let report = try String(contentsOfFile: file, encoding: .utf8)
        #expect(report.contains("Fatal error: probe boom"))
        try? FileManager.default.removeItem(atPath: file)
        try expectPoolStillWorks(pool)
    }

    @Test func garbageOnTheChannelFailsThatWorkerNotThePool() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let garbage = try pool.submit(GarbageTask(text: "hello, this is not a message\n"))
        let others = try (0..<100).map { try pool.submit(AddOne(x: $0)) }
        #expect(isWorkerDied(failure(of: garbage), detail: "protocol error"))
        for (i, future) in others.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
        try expectPoolStillWorks(pool)
    }

    @Test func aShortGarbageLengthIsCaughtAtEndOfFile() throws {
        // Four bytes that read as a small length, then the worker exits mid-"message".
        let pool = try makePool(workers: 1)
        defer { pool.shutdown() }
        let garbage = try pool.submit(GarbageTask(text: "\u{10}\0\0\0", thenSleepMilliseconds: 0))
        let crash = try pool.submit(CrashTask(how: "exit3"))
        // The garbage task finished; its answer went after the garbage (a bad message: the
        // pool kills the worker) or stayed in the shared memory (recovered). Either way the
        // garbage is caught and only tasks of the broken worker fail.
        let garbageError = failure(of: garbage)
        #expect(garbageError == nil || isWorkerDied(garbageError, detail: "protocol error"))
        let crashError = failure(of: crash)
        #expect(
            isWorkerDied(crashError, detail: "exit code 3")
                || isWorkerDied(crashError, detail: "protocol error"))
        try expectPoolStillWorks(pool)
    }

    @Test func sigkillMidTaskFailsOnlyThatTask() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let fifo = try Fifo()
        let blocked = try pool.submit(BlockAndReport(path: fifo.path, milliseconds: 60_000))
        let pid = try #require(fifo.readPID())
        // Queued behind the blocked task on its worker, and on the other worker.
        let others = try (0..<100).map { try pool.submit(AddOne(x: $0)) }
        #expect(kill(pid, SIGKILL) == 0)
        #expect(isWorkerDied(failure(of: blocked), pid: pid, detail: "killed by SIGKILL"))
        for (i, future) in others.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
        #expect(!pool.workerProcessIDs.contains(pid))
        try expectPoolStillWorks(pool)
    }

    @Test func repeatedCrashesNeverBreakThePool() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        let crashes = try (0..<10).map { _ in try pool.submit(CrashTask(how: "exit3")) }
        for crash in crashes { #expect(isWorkerDied(failure(of: crash), detail: "exit code 3")) }
        try expectPoolStillWorks(pool)
    }

    @Test func shutdownAfterACrashDoesNotHang() throws {
        let pool = try makePool()
        let crash = try pool.submit(CrashTask(how: "segv"))
        let others = try (0..<50).map { try pool.submit(AddOne(x: $0)) }
        pool.shutdown(wait: true)
        #expect(isWorkerDied(failure(of: crash), detail: "SIGSEGV"))
        for (i, future) in others.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
    }

    @Test(arguments: ["/bin/true", "/bin/false"])
    func aWorkerProgramThatIsNotAWorkerBreaksThePool(program: String) throws {
        // It exits without running a task; the pool gives up after a
        // few tries instead of restarting it forever.
        let pool = try ProcessPoolExecutor(maxWorkers: 1, tasks: probeTasks, workerExecutable: program)
        defer { pool.shutdown() }
        let error = failure(of: try pool.submit(AddOne(x: 1)))
        guard case .broken(let message)? = error as? ExecutorError else {
            Issue.record("expected ExecutorError.broken, got \(String(describing: error))")
            return
        }
        #expect(message.contains("runWorkerIfRequested"))
        #expect(throws: ExecutorError.self) { _ = try pool.submit(AddOne(x: 2)) }
    }

    // MARK: maxTasksPerChild (CPython #115634, #119592)

    @Test func maxTasksPerChildOneOver200Tasks() throws {
        let pool = try makePool(maxTasksPerChild: 1)
        defer { pool.shutdown() }
        let outputs = try pool.map((0..<200).map { AddOne(x: $0) }, timeout: .seconds(90))
        #expect(outputs == Array(1...200))
    }

    @Test func maxTasksPerChildReplacesEachWorker() throws {
        let pool = try makePool(maxTasksPerChild: 1)
        defer { pool.shutdown() }
        let pids = try pool.map((0..<10).map { PidTask(tag: $0) })
        #expect(Set(pids).count == 10)
    }

    @Test func maxTasksPerChildThenShutdownDoesNotHang() throws {
        let pool = try makePool(maxTasksPerChild: 2)
        let futures = try (0..<20).map { try pool.submit(AddOne(x: $0)) }
        pool.shutdown(wait: true)
        for (i, future) in futures.enumerated() { #expect(try future.result() == i + 1) }
    }

    // MARK: no orphans

    private func startProbe(_ mode: String) throws -> (Process, [Int32]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: probePath)
        process.arguments = [mode]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n")
        {
            line.append(byte)
        }
        let pids = String(decoding: line, as: UTF8.self).split(separator: " ").compactMap { Int32($0) }
        return (process, pids)
    }

    @Test func workersDieWhenTheirParentIsKilled() throws {
        let (parent, pids) = try startProbe("orphan-parent")
        #expect(pids.count == 2)
        #expect(!pids.contains { processHasEnded($0) })
        kill(parent.processIdentifier, SIGKILL)
        parent.waitUntilExit()
        #expect(waitUntilEnded(pids))
    }

    @Test func workersEndWhenTheirParentExits() throws {
        let (parent, pids) = try startProbe("exiting-parent")
        #expect(pids.count == 2)
        parent.waitUntilExit()
        #expect(parent.terminationStatus == 0)
        #expect(waitUntilEnded(pids))
    }
}
