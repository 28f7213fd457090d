import Glibc
import Testing
import ThreadingTestSupport

@testable import ProbeTasks
@testable import ThreadingPostgres

@Suite(.hangGuard, .enabled(if: TestDatabase.available, "PostgreSQL: \(TestDatabase.unavailable ?? "")"))
struct CancelTests {
    @Test func cancelBeforeAClaimMarksTheRowAndNoWorkerRunsIt() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: DeliveryTests.tasks, settings: .testing)
        let future = try executor.submit(CountedTask(number: 9_000_001))
        #expect(future.cancel())
        #expect(future.isCancelled)
        #expect(throws: CancellationError.self) { try future.result(timeout: Delay.bound) }
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: DeliveryTests.tasks, concurrency: 1, settings: .testing))
        #expect(try executor.submit(AddOne(x: 1)).result(timeout: Delay.bound) == 2)
        try worker.finish()
        #expect(runCounts.withLock { $0[9_000_001] } == nil)
        #expect(
            try TestDatabase.query(
                url, "SELECT state || ':' || attempt FROM swift_threading_jobs ORDER BY id")
                == ["cancelled:0", "completed:1"])
        executor.shutdown()
    }

    @Test func aClaimedJobCannotBeCancelled() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        let started = try Fifo()
        defer { started.remove() }
        let future = try executor.submit(BlockAndReport(path: started.path, milliseconds: 300))
        #expect(started.readPID() == getpid(), "the job runs")
        #expect(!future.cancel())
        #expect(try future.result(timeout: Delay.bound) == getpid())
        try worker.finish()
        executor.shutdown()
    }

    @Test func shutdownWithCancelFuturesCancelsEveryUnclaimedJob() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let futures = try (0..<5).map { try executor.submit(AddOne(x: $0)) }
        let other = try executor.enqueue(AddOne(x: 100))
        executor.shutdown(wait: true, cancelFutures: true)
        #expect(futures.allSatisfy { $0.isCancelled })
        #expect(
            try TestDatabase.query(url, "SELECT state FROM swift_threading_jobs ORDER BY id")
                == Array(repeating: "cancelled", count: 5) + ["available"])
        // A future of the enqueued job, in "another process", still works.
        let second = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        #expect(try second.future(for: other, of: AddOne.self).result(timeout: Delay.bound) == 101)
        try worker.finish()
        second.shutdown()
    }

    @Test func mapWithATimeoutCancelsWhatNoWorkerClaimed() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        #expect(throws: TimeoutError.self) {
            try executor.map((0..<10).map { AddOne(x: $0) }, timeout: .milliseconds(200))
        }
        #expect(
            try TestDatabase.query(url, "SELECT DISTINCT state FROM swift_threading_jobs") == ["cancelled"])
        executor.shutdown()
    }
}
