import Foundation
import Multiprocessing
import Testing
import ThreadingTestSupport

@testable import ProbeTasks

/// The two promises `ProcessPoolExecutor` keeps although many jobs are in flight per
/// worker: a dying worker fails only the task it was running, and every task that no
/// worker has started can be cancelled.
@Suite(.hangGuard)
struct PipelinedPromisesTests {
    // MARK: nothing finished is lost

    @Test(
        arguments: [
            ("exit3", "exit code 3"), ("sigkill", "killed by SIGKILL"), ("segv", "killed by SIGSEGV"),
        ],
        [0, 1_000, 100_000])
    func aDeathFailsOnlyTheRunningTask(how: (name: String, detail: String), microseconds: Int) throws {
        let pool = try makePool(workers: 2)
        defer { pool.shutdown() }
        let before = try (0..<4).map { try pool.submit(AddOne(x: $0)) }
        let dying = try pool.submit(DieTask(microseconds: microseconds, how: how.name))
        let after = try (0..<6).map { try pool.submit(AddOne(x: 100 + $0)) }
        #expect(isWorkerDied(failure(of: dying), detail: how.detail))
        for (i, future) in before.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
        for (i, future) in after.enumerated() { #expect(try future.result(timeout: Delay.bound) == 101 + i) }
        #expect(try pool.map((0..<20).map { AddOne(x: $0) }, timeout: Delay.bound) == Array(1...20))
    }

    @Test func aDeathOnOneWorkerKeepsEveryAnswerBeforeIt() throws {
        // One worker: every task before the dying one ran there, with its answer
        // batched or kept in memory when the worker died.
        let pool = try makePool(workers: 1)
        defer { pool.shutdown() }
        let before = try (0..<50).map { try pool.submit(AddOne(x: $0)) }
        let dying = try pool.submit(DieTask(microseconds: 0, how: "sigkill"))
        let after = try (0..<50).map { try pool.submit(AddOne(x: $0)) }
        #expect(isWorkerDied(failure(of: dying), detail: "SIGKILL"))
        for (i, future) in (before + after).enumerated() {
            #expect(try future.result(timeout: Delay.bound) == i % 50 + 1)
        }
    }

    @Test func anAnswerTooBigForTheSharedMemorySurvivesADeath() throws {
        // 200 kB does not fit the copy in shared memory: it is sent before the next task.
        let pool = try makePool(workers: 1)
        defer { pool.shutdown() }
        let big = String(repeating: "0123456789", count: 20_000)
        let echo = try pool.submit(EchoTask(text: big))
        let small = try (0..<3).map { try pool.submit(AddOne(x: $0)) }
        let dying = try pool.submit(DieTask(microseconds: 0, how: "sigkill"))
        #expect(isWorkerDied(failure(of: dying), detail: "SIGKILL"))
        #expect(try echo.result(timeout: Delay.bound) == String(big.reversed()))
        for (i, future) in small.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
    }

    @Test func aDyingChunkFailsOnlyItsMap() throws {
        let pool = try makePool(workers: 1)
        defer { pool.shutdown() }
        let before = try (0..<5).map { try pool.submit(AddOne(x: $0)) }
        #expect(throws: ProcessPoolError.self) {
            _ = try pool.map([DieTask(microseconds: 0, how: "exit3")], timeout: Delay.bound)
        }
        for (i, future) in before.enumerated() { #expect(try future.result(timeout: Delay.bound) == i + 1) }
        #expect(try pool.map((0..<300).map { AddOne(x: $0) }, chunkSize: 100) == Array(1...300))
    }

    // MARK: cancel until started

    /// A 1-worker pool held by a task the test releases, with 200 side-effect tasks queued
    /// behind it: the first 64 of them already sent to the worker.
    private struct HeldPool {
        let pool: ProcessPoolExecutor
        let holder: Future<Int32>
        let holderPID: Int32
        let queued: [Future<Int>]
        let release: Fifo
        let directory: String

        init() throws {
            let pool = try makePool(workers: 1)
            let report = try Fifo()
            let release = try Fifo()
            let directory = URL(fileURLWithPath: report.path).deletingLastPathComponent().path
            holder = try pool.submit(HoldTask(reportPath: report.path, releasePath: release.path))
            queued = try (0..<200).map { try pool.submit(TouchTask(directory: directory, index: $0)) }
            // Blocks until the holder runs (bounded by the suite's time limit).
            holderPID = try #require(report.readPID())
            self.pool = pool
            self.release = release
            self.directory = directory
        }

        /// Lets the holder finish.
        func releaseHolder() { release.hangUp() }

        /// Whether task `index` ran: its file exists.
        func ran(_ index: Int) -> Bool { FileManager.default.fileExists(atPath: "\(directory)/\(index)") }

        /// Every cancelled task never ran; every other one ran and answered.
        func expectCancelledNeverRan() throws {
            for (i, future) in queued.enumerated() {
                if future.isCancelled {
                    #expect(!ran(i), "cancelled task \(i) ran")
                    #expect(throws: CancellationError.self) { _ = try future.result(timeout: Delay.bound) }
                } else {
                    #expect(try future.result(timeout: Delay.bound) == i)
                    #expect(ran(i))
                }
            }
        }
    }

    @Test func shutdownCancelsEveryTaskNotStartedEvenInFlight() throws {
        let held = try HeldPool()
        // Started: it cannot be cancelled.
        #expect(!held.holder.cancel())
        held.pool.shutdown(wait: false, cancelFutures: true)
        let cancelled = held.queued.filter(\.isCancelled).count
        #expect(cancelled >= 190)
        held.releaseHolder()
        held.pool.shutdown(wait: true)
        #expect(try held.holder.result(timeout: Delay.bound) == held.holderPID)
        try held.expectCancelledNeverRan()
    }

    @Test func futureCancelSucceedsForEveryTaskNotStartedEvenInFlight() throws {
        let held = try HeldPool()
        defer { held.pool.shutdown() }
        #expect(!held.holder.cancel())
        // Every other one: the rest still run, in order, around the skipped ones.
        var cancelled = 0
        for (i, future) in held.queued.enumerated() where i % 2 == 1 { cancelled += future.cancel() ? 1 : 0 }
        #expect(cancelled == 100)
        for future in held.queued.prefix(190) where !future.isCancelled {
            cancelled += future.cancel() ? 1 : 0
        }
        #expect(cancelled >= 190)
        #expect(held.queued.filter(\.isCancelled).count == cancelled)
        held.releaseHolder()
        #expect(try held.holder.result(timeout: Delay.bound) == held.holderPID)
        try held.expectCancelledNeverRan()
        #expect(try held.pool.map((0..<10).map { AddOne(x: $0) }) == Array(1...10))
    }

    @Test func cancelAfterAnswerIsRefused() throws {
        let pool = try makePool(workers: 1)
        defer { pool.shutdown() }
        let future = try pool.submit(AddOne(x: 1))
        #expect(try future.result(timeout: Delay.bound) == 2)
        #expect(!future.cancel())
        #expect(!future.isCancelled)
    }
}
