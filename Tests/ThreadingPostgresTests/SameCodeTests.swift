import Testing
import ThreadingTestSupport

@testable import ProbeTasks
@testable import ThreadingPostgres

/// Calling code written once against `some ProcessTaskExecutor`.
func squaresAndAFailure(on executor: some ProcessTaskExecutor) throws -> ([Int], (any Error)?) {
    let outputs = try executor.map((1...20).map { AddOne(x: $0 * $0) }, chunkSize: 3)
    let failing = try executor.submit(FailTask(message: "same everywhere"))
    return (outputs, failing.exception())
}

@Suite(.hangGuard, .enabled(if: TestDatabase.available, "PostgreSQL: \(TestDatabase.unavailable ?? "")"))
struct SameCodeTests {
    @Test func oneGenericBodyRunsOnTheProcessPoolAndOnPostgres() throws {
        let pool = try ProcessPoolExecutor(
            maxWorkers: 2, tasks: probeTasks, workerExecutable: siblingProgramPath("ProcessWorkerProbe"))
        let local = try squaresAndAFailure(on: pool)
        pool.shutdown()

        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 2, settings: .testing))
        let remote = try squaresAndAFailure(on: executor)
        try worker.finish()
        executor.shutdown()

        #expect(local.0 == (1...20).map { $0 * $0 + 1 })
        #expect(remote.0 == local.0)
        // Retried twice on PostgreSQL (maxAttempts 3), then the same error as the pool's.
        #expect(
            local.1 as? ProcessPoolError
                == .remote(type: "ProbeError", message: "probe failure: same everywhere"))
        #expect(remote.1 as? ProcessPoolError == local.1 as? ProcessPoolError)
    }
}
