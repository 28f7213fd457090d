import Multiprocessing
import Testing
import ThreadingTestSupport

@testable import ProbeTasks

/// Generic code over the protocol, as a caller of either executor writes it.
func squares(on executor: some ProcessTaskExecutor) throws -> [Int] {
    try executor.map((1...10).map { Square(x: $0) })
}

/// `ProcessTaskExecutor` through a generic parameter and an existential.
@Suite(.hangGuard)
struct ProcessTaskExecutorTests {
    @Test func genericCodeRunsOnAProcessPool() throws {
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(try squares(on: pool) == (1...10).map { $0 * $0 })
    }

    @Test func submitMapAndShutdownThroughAnExistential() throws {
        let executor: any ProcessTaskExecutor = try makePool()
        #expect(try executor.submit(Square(x: 12)).result(timeout: Delay.bound) == 144)
        #expect(
            try executor.map((0..<250).map { Square(x: $0) }, chunkSize: 100) == (0..<250).map { $0 * $0 })
        #expect(
            try executor.map([Square(x: 3)], timeout: Delay.bound, chunkSize: 1) == [9])
        executor.shutdown()
        #expect(throws: ExecutorError.shutDown) { _ = try executor.submit(Square(x: 1)) }
    }

    @Test func mapTimesOutThroughTheProtocol() throws {
        func slowMap(on executor: some ProcessTaskExecutor) throws -> [Int32] {
            try executor.map([SleepTask(milliseconds: 3_000)], timeout: .milliseconds(100), chunkSize: 1)
        }
        let pool = try makePool(workers: 1)
        defer { pool.shutdown(wait: true, cancelFutures: true) }
        #expect(throws: TimeoutError.self) { _ = try slowMap(on: pool) }
    }

    @Test func mapRejectsBadArgumentsThroughTheProtocol() throws {
        func badMap(on executor: some ProcessTaskExecutor, timeout: Duration?, chunkSize: Int) throws {
            _ = try executor.map([Square(x: 1)], timeout: timeout, chunkSize: chunkSize)
        }
        let pool = try makePool()
        defer { pool.shutdown() }
        #expect(throws: ThreadingError.self) { try badMap(on: pool, timeout: nil, chunkSize: 0) }
        #expect(throws: ThreadingError.self) { try badMap(on: pool, timeout: .seconds(-1), chunkSize: 1) }
    }

    /// The worker is held until the cancelling shutdown has returned, so none of the rest
    /// can have started, whatever the scheduler does.
    @Test func shutdownCancellingThroughTheProtocol() throws {
        func stop(_ executor: some ProcessTaskExecutor, wait: Bool) {
            executor.shutdown(wait: wait, cancelFutures: true)
        }
        let pool = try makePool(workers: 1)
        let report = try Fifo()
        let release = try Fifo()
        let held = try pool.submit(HoldTask(reportPath: report.path, releasePath: release.path))
        let rest = try (0..<100).map { try pool.submit(Square(x: $0)) }
        let heldPID = try #require(report.readPID())
        stop(pool, wait: false)
        // None of them had started: all cancelled.
        let allCancelled = rest.allSatisfy { $0.isCancelled }
        #expect(allCancelled)
        release.hangUp()
        stop(pool, wait: true)
        #expect(try held.result(timeout: Delay.bound) == heldPID)
    }
}
