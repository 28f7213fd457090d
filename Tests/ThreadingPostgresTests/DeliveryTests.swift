import Foundation
import Testing
import ThreadingTestSupport

@testable import ProbeTasks
@testable import ThreadingPostgres

/// Exactly once, rescue, leases, retries: what the job table promises.
@Suite(.hangGuard, .enabled(if: TestDatabase.available, "PostgreSQL: \(TestDatabase.unavailable ?? "")"))
struct DeliveryTests {
    static let tasks: [any ProcessTask.Type] = probeTasks + [CountedTask.self]

    @Test func everyJobRunsExactlyOnceAcrossFourWorkers() throws {
        let url = try TestDatabase.fresh()
        let count = Stress.size(20_000)
        let base = 1_000_000
        let executor = try PostgresExecutor(url: url, tasks: Self.tasks, settings: .testing)
        let workers = try (0..<4).map { _ in
            try RunningWorker(PostgresWorker(url: url, tasks: Self.tasks, concurrency: 4, settings: .testing))
        }
        let outputs = try executor.map(
            (0..<count).map { CountedTask(number: base + $0) }, timeout: .seconds(240))
        #expect(outputs == (0..<count).map { base + $0 })
        for worker in workers { try worker.finish() }
        let counts = runCounts.withLock { counts in (0..<count).map { counts[base + $0] ?? 0 } }
        #expect(counts.allSatisfy { $0 == 1 }, "\(counts.filter { $0 != 1 }.count) jobs ran other than once")
        let attempts = try TestDatabase.query(
            url, "SELECT count(*)::text FROM swift_threading_jobs WHERE attempt <> 1")
        #expect(attempts == ["0"])
        executor.shutdown()
    }

    @Test func aKilledWorkersJobIsRerunAfterItsLeaseAndNothingElseIsTouched() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let done = try executor.submit(AddOne(x: 1))
        let probe = try WorkerProcess(url: url, concurrency: 1, leaseMilliseconds: 1000)
        #expect(try done.result(timeout: Delay.bound) == 2)
        let started = try Fifo()
        defer { started.remove() }
        let long = try executor.submit(BlockAndReport(path: started.path, milliseconds: 3000))
        let idOfLong = try TestDatabase.query(url, "SELECT max(id)::text FROM swift_threading_jobs")[0]
        // The probe runs the long job: it reports its pid from inside the task.
        #expect(started.readPID() == probe.pid)
        let running = try TestDatabase.query(
            url,
            "SELECT worker_pid::text FROM swift_threading_jobs WHERE id = \(idOfLong) AND state = 'running'")
        #expect(running == ["\(probe.pid)"])
        // The rerun finds no FIFO to report to and goes on.
        started.remove()
        probe.kill()
        let killedAt = ContinuousClock.now
        let rescuer = try RunningWorker(
            PostgresWorker(
                url: url, tasks: probeTasks, concurrency: 1, lease: .seconds(1), settings: .testing))
        // The rerun happens in this process: its output is our pid.
        #expect(try long.result(timeout: Delay.bound) == getpid())
        let rerunAfter = killedAt.duration(to: .now)
        #expect(rerunAfter < .seconds(15), "rescued \(rerunAfter) after the kill, with a 1 s lease")
        let rows = try TestDatabase.query(
            url, "SELECT id || ':' || state || ':' || attempt FROM swift_threading_jobs ORDER BY id")
        #expect(rows == ["1:completed:1", "\(idOfLong):completed:2"])
        try rescuer.finish()
        executor.shutdown()
    }

    /// The window procrastinate re-ran a job in: its task ended, its answer was not yet
    /// committed, and its worker died. Here the job runs again (at least once) and its
    /// future gets exactly one answer, the rerun's.
    @Test func aWorkerDyingBeforeItsAnswerIsCommittedMakesTheJobRunAgainReportedOnce() throws {
        let url = try TestDatabase.fresh()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pg-window-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("runs").path
        let runs = { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let probe = try WorkerProcess(url: url, concurrency: 1, leaseMilliseconds: 1000, holdsAnswers: true)
        let ran = try Fifo()
        defer { ran.remove() }
        let future = try executor.submit(AppendTask(path: path, index: 5, reportPath: ran.path))
        // The task ran to its end in the probe: it reports after its append.
        #expect(ran.readPID() == probe.pid)
        #expect(runs() == 1)
        ran.remove()
        probe.kill()
        #expect(!future.isDone)
        let rescuer = try RunningWorker(
            PostgresWorker(
                url: url, tasks: probeTasks, concurrency: 1, lease: .seconds(1), settings: .testing))
        #expect(try future.result(timeout: Delay.bound) == 5)
        #expect(runs() == 2)
        #expect(
            try TestDatabase.query(url, "SELECT state || ':' || attempt FROM swift_threading_jobs") == [
                "completed:2"
            ])
        try rescuer.finish()
        executor.shutdown()
    }

    @Test func aLongJobWithHeartbeatsIsNotRescued() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        // Two workers: the idle one runs the rescuer too, and would rescue a lapsed lease.
        // The job lasts three leases, renewed every third of one. A 300 ms lease was lost
        // once in a loaded TSan run (the renewing thread starved): 1 s leaves room.
        let workers = try (0..<2).map { _ in
            try RunningWorker(
                PostgresWorker(
                    url: url, tasks: probeTasks, concurrency: 1, lease: .seconds(1), settings: .testing
                ))
        }
        let future = try executor.submit(SleepTask(milliseconds: 3000), options: JobOptions(maxAttempts: 1))
        #expect(try future.result(timeout: Delay.bound) == getpid())
        #expect(try TestDatabase.query(url, "SELECT attempt::text FROM swift_threading_jobs") == ["1"])
        for worker in workers { try worker.finish() }
        executor.shutdown()
    }

    @Test func aThrownErrorIsRetriedAfterABackoff() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        let started = ContinuousClock.now
        let future = try executor.submit(FailTask(message: "again"), options: JobOptions(maxAttempts: 2))
        #expect(throws: ProcessPoolError.remote(type: "ProbeError", message: "probe failure: again")) {
            try future.result(timeout: Delay.bound)
        }
        // The second attempt waited the first backoff: 1 s ± 25 %.
        #expect(started.duration(to: .now) >= .milliseconds(750))
        #expect(
            try TestDatabase.query(url, "SELECT state || ':' || attempt FROM swift_threading_jobs") == [
                "discarded:2"
            ])
        try worker.finish()
        executor.shutdown()
    }

    @Test func anAttemptOverItsTimeoutFailsWithTimeoutError() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        let future = try executor.submit(
            SleepTask(milliseconds: 2000), options: JobOptions(maxAttempts: 1, timeout: .milliseconds(200)))
        #expect(throws: TimeoutError.self) { try future.result(timeout: Delay.bound) }
        try worker.finish()
        executor.shutdown()
    }

    @Test func concurrentSubmitsOfOneUniqueKeyMakeOneJob() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: Self.tasks, settings: .testing)
        let futures = LockedState<[Future<Int>]>([])
        let threads = try (0..<8).map { _ in
            try spawn {
                let future = try executor.submit(
                    CountedTask(number: 7_000_001), options: JobOptions(uniqueKey: "nightly-report"))
                futures.withLock { $0.append(future) }
            }
        }
        try joinAll(threads)
        #expect(try TestDatabase.query(url, "SELECT count(*)::text FROM swift_threading_jobs") == ["1"])
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: Self.tasks, concurrency: 1, settings: .testing))
        for future in futures.withLock({ $0 }) {
            #expect(try future.result(timeout: Delay.bound) == 7_000_001)
        }
        #expect(runCounts.withLock { $0[7_000_001] } == 1)
        // Once it ended, the key is free again.
        let next = try executor.submit(
            CountedTask(number: 7_000_001), options: JobOptions(uniqueKey: "nightly-report"))
        #expect(try next.result(timeout: Delay.bound) == 7_000_001)
        #expect(try TestDatabase.query(url, "SELECT count(*)::text FROM swift_threading_jobs") == ["2"])
        try worker.finish()
        executor.shutdown()
    }

    @Test func pollingOnlyModeCompletesEveryFuture() throws {
        let url = try TestDatabase.fresh()
        var clientSettings = ClientSettings.testing
        clientSettings.listen = false
        var workerSettings = WorkerSettings.testing
        workerSettings.listen = false
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: clientSettings)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 2, settings: workerSettings))
        let futures = try (0..<50).map { try executor.submit(AddOne(x: $0)) }
        for (index, future) in futures.enumerated() {
            #expect(try future.result(timeout: Delay.bound) == index + 1)
        }
        try worker.finish()
        executor.shutdown()
    }

    @Test func theWorkerReconnectsAfterItsBackendsAreTerminated() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(
                url: url, tasks: probeTasks, concurrency: 1, lease: .seconds(2), settings: .testing))
        let started = try Fifo()
        defer { started.remove() }
        let future = try executor.submit(BlockAndReport(path: started.path, milliseconds: 800))
        #expect(started.readPID() == getpid(), "the job runs")
        let database = String(url.split(separator: "/").last!)
        let terminated = try TestDatabase.query(
            try TestDatabase.adminURL(),
            "SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity WHERE datname = '\(database)'"
        )
        #expect(Int(terminated[0]) ?? 0 >= 4)
        #expect(try future.result(timeout: Delay.bound) == getpid())
        // And it goes on claiming.
        #expect(try executor.submit(AddOne(x: 9)).result(timeout: Delay.bound) == 10)
        #expect(try TestDatabase.query(url, "SELECT max(attempt)::text FROM swift_threading_jobs") == ["1"])
        try worker.finish()
        executor.shutdown()
    }

    @Test func sigtermDrainsTheWorkerProcessAndItExitsZero() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let probe = try WorkerProcess(url: url, concurrency: 1, leaseMilliseconds: 5000)
        let started = try Fifo()
        defer { started.remove() }
        let future = try executor.submit(BlockAndReport(path: started.path, milliseconds: 1000))
        #expect(started.readPID() == probe.pid, "the probe runs the job")
        probe.terminate()
        #expect(try future.result(timeout: Delay.bound) == probe.pid)
        let status = try probe.waitForExit()
        #expect(status == 0)
        executor.shutdown()
    }
}
