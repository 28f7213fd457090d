import Testing
import ThreadingTestSupport

@testable import Threading

/// The intent of CPython's test_wait.py.
@Suite(.hangGuard)
struct FutureWaitTests {
    @Test func firstCompletedReturnsAtOnceWhenOneIsDone() throws {
        let done = try Futures.succeeded()
        let pending = Futures.pending()
        let result = wait([pending, done], returnWhen: .firstCompleted)
        #expect(result.done == [done])
        #expect(result.notDone == [pending])
    }

    @Test func firstCompletedBlocksUntilOneCompletes() throws {
        let a = Futures.pending()
        let b = Futures.pending()
        let setter = try spawn {
            waitUntil("a.waiterCount + b.waiterCount == 0 && (a.isDone == false)") {
                a.waiterCount + b.waiterCount == 0 && (a.isDone == false)
            }
            try b.setResult(1)
        }
        let result = wait([a, b], timeout: Delay.bound, returnWhen: .firstCompleted)
        try joinAll([setter])
        #expect(result.done == [b])
        #expect(result.notDone == [a])
    }

    @Test func firstExceptionReturnsOnAnError() throws {
        let ok = try Futures.succeeded()
        let pending = Futures.pending()
        let failing = Futures.pending()
        let setter = try spawn { try failing.setError(Boom()) }
        let result = wait([ok, pending, failing], timeout: Delay.bound, returnWhen: .firstException)
        try joinAll([setter])
        #expect(result.done == [ok, failing])
        #expect(result.notDone == [pending])
    }

    @Test func firstExceptionWithOneAlreadyFailed() throws {
        let failed = try Futures.failed()
        let pending = Futures.pending()
        let result = wait([failed, pending], returnWhen: .firstException)
        #expect(result.done == [failed])
        #expect(result.notDone == [pending])
    }

    /// Without errors, firstException waits for all; a cancellation is not an error.
    @Test func firstExceptionWithoutErrorsWaitsForAll() throws {
        let a = Futures.pending()
        let b = Futures.pending()
        let setter = try spawn {
            try a.setResult(1)
            b.cancel()
        }
        let result = wait([a, b], timeout: Delay.bound, returnWhen: .firstException)
        try joinAll([setter])
        #expect(result.done == [a, b])
        #expect(result.notDone.isEmpty)
    }

    @Test func allCompletedCountsCancelledAsDone() throws {
        let futures = [try Futures.succeeded(), try Futures.failed(), Futures.cancelled(), Futures.pending()]
        let last = futures[3]
        let setter = try spawn { last.cancel() }
        let result = wait(futures, timeout: Delay.bound)
        try joinAll([setter])
        #expect(result.done == futures)
        #expect(result.notDone.isEmpty)
    }

    @Test func timeoutReturnsWhatIsDone() throws {
        let done = try Futures.succeeded()
        let pending = Futures.pending()
        let start = ContinuousClock.now
        let result = wait([done, pending], timeout: Delay.short)
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(result.done == [done])
        #expect(result.notDone == [pending])
    }

    /// A negative timeout means zero: no error, no wait.
    @Test func negativeTimeoutMeansZero() throws {
        let pending = Futures.pending()
        let result = wait([pending], timeout: .seconds(-5))
        #expect(result.done.isEmpty)
        #expect(result.notDone == [pending])
    }

    @Test func duplicatesAppearOnce() throws {
        let f = try Futures.succeeded()
        let result = wait([f, f, f])
        #expect(result.done == [f])
    }

    @Test func emptyListReturnsAtOnce() {
        let result = wait([Future<Int>](), returnWhen: .firstCompleted)
        #expect(result.done.isEmpty && result.notDone.isEmpty)
    }

    /// test_20369 / test_pending_calls_race intent: with a pool, wait sees every result.
    @Test func waitOnPoolWork() throws {
        try withThreadPool(maxWorkers: 3) { pool in
            let futures = try (0..<50).map { i in try pool.submit { i } }
            let result = wait(futures, timeout: Delay.bound)
            #expect(result.done.count == 50)
            #expect(result.notDone.isEmpty)
        }
    }
}
