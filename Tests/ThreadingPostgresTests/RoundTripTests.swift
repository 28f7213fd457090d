import Testing
import ThreadingTestSupport

@testable import ProbeTasks
@testable import ThreadingPostgres

@Suite(.hangGuard, .enabled(if: TestDatabase.available, "PostgreSQL: \(TestDatabase.unavailable ?? "")"))
struct RoundTripTests {
    @Test func submitReturnsTheOutputOfAWorker() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 2, settings: .testing))
        let future = try executor.submit(AddOne(x: 41))
        #expect(try future.result(timeout: Delay.bound) == 42)
        try worker.finish()
        executor.shutdown()
    }

    @Test func mapKeepsInputOrderAcrossChunks() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 3, settings: .testing))
        let outputs = try executor.map((0..<250).map { AddOne(x: $0) }, timeout: Delay.bound, chunkSize: 7)
        #expect(outputs == Array(1...250))
        try worker.finish()
        executor.shutdown()
    }

    @Test func aThrownErrorOnTheLastAttemptIsRemote() throws {
        let url = try TestDatabase.fresh()
        let executor = try PostgresExecutor(url: url, tasks: probeTasks, settings: .testing)
        let worker = try RunningWorker(
            PostgresWorker(url: url, tasks: probeTasks, concurrency: 1, settings: .testing))
        let future = try executor.submit(FailTask(message: "boom"), options: JobOptions(maxAttempts: 1))
        #expect(throws: ProcessPoolError.remote(type: "ProbeError", message: "probe failure: boom")) {
            try future.result(timeout: Delay.bound)
        }
        try worker.finish()
        executor.shutdown()
    }
}
