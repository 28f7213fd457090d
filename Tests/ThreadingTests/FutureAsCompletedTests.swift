import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The intent of CPython's test_as_completed.py, and the async form.
@Suite(.hangGuard)
struct FutureAsCompletedTests {
    @Test func handsOutDoneFuturesFirstThenInCompletionOrder() throws {
        let done = try Futures.succeeded(1)
        let a = Futures.pending()
        let b = Futures.pending()
        var it = asCompleted([a, done, b])
        #expect(try it.next() == done)
        let setter = try spawn {
            try b.setResult(2)
        }
        #expect(try it.next() == b)
        try joinAll([setter])
        a.cancel()
        #expect(try it.next() == a)
        #expect(try it.next() == nil)
        #expect(try it.next() == nil)
    }

    @Test func blocksUntilACompletion() throws {
        let f = Futures.pending()
        let completed = asCompleted([f])
        let setter = try spawn {
            waitUntil("completed.box.waiterCount == 1") { completed.box.waiterCount == 1 }
            try f.setResult(3)
        }
        var it = completed
        #expect(try it.next() == f)
        try joinAll([setter])
    }

    /// test_future_times_out: done futures first, then TimeoutError.
    @Test func timesOut() throws {
        let done = try Futures.succeeded()
        let pending = Futures.pending()
        let start = ContinuousClock.now
        var it = asCompleted([done, pending], timeout: Delay.short)
        #expect(try it.next() == done)
        #expect(throws: TimeoutError.self) { try it.next() }
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(it.didTimeOut)
        // Completed later: still handed out.
        try pending.setResult(1)
        #expect(try it.next() == pending)
        #expect(try it.next() == nil)
    }

    @Test func forLoopEndsAtTheDeadline() throws {
        let done = try Futures.succeeded()
        let pending = Futures.pending()
        let completed = asCompleted([done, pending], timeout: Delay.short)
        var seen: [Future<Int>] = []
        for f in completed { seen.append(f) }
        #expect(seen == [done])
        #expect(completed.didTimeOut)
    }

    @Test func forLoopWithoutTimeout() throws {
        let futures = try (0..<5).map { try Futures.succeeded($0) }
        var total = 0
        for f in asCompleted(futures) { total += try f.result() }
        #expect(total == 10)
    }

    @Test func duplicatesOnce() throws {
        let f = try Futures.succeeded()
        var it = asCompleted([f, f])
        #expect(try it.next() == f)
        #expect(try it.next() == nil)
    }

    @Test func negativeTimeoutThrowsFromNext() throws {
        var it = asCompleted([Futures.pending()], timeout: .seconds(-1))
        #expect(throws: ThreadingError.self) { try it.next() }
    }

    @Test func poolWorkInCompletionOrder() throws {
        try withThreadPool(maxWorkers: 4) { pool in
            let futures = try (0..<100).map { i in try pool.submit { i } }
            var it = asCompleted(futures, timeout: Delay.bound)
            var seen = Set<Int>()
            while let f = try it.next() { seen.insert(try f.result()) }
            #expect(seen == Set(0..<100))
        }
    }

    // MARK: Async

    @Test func forTryAwait() async throws {
        let done = try Futures.succeeded(1)
        let pending = Futures.pending()
        let completed = asCompleted([done, pending])
        let task = inTask {
            var seen: [Int] = []
            for try await f in completed { seen.append(try await f.value) }
            return seen
        }
        while completed.box.waiterCount == 0 { await Task.yield() }
        try pending.setResult(2)
        #expect(try await task.value == [1, 2])
    }

    @Test func forTryAwaitTimesOut() async throws {
        let pending = Futures.pending()
        let start = ContinuousClock.now
        await #expect(throws: TimeoutError.self) {
            for try await _ in asCompleted([pending], timeout: Delay.short) {}
        }
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(!pending.isDone)
    }

    @Test func forTryAwaitCancelled() async throws {
        let pending = Futures.pending()
        let completed = asCompleted([pending])
        let task = inTask {
            for try await _ in completed {}
        }
        while completed.box.waiterCount == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(completed.box.waiterCount == 0)
        #expect(!pending.isCancelled)
    }

    @Test func forTryAwaitNegativeTimeout() async throws {
        await #expect(throws: ThreadingError.self) {
            for try await _ in asCompleted([Futures.pending()], timeout: .seconds(-1)) {}
        }
    }

    /// A dropped iteration withdraws its observers from futures still pending.
    @Test func droppedIterationWithdrawsObservers() throws {
        let f = Futures.pending()
        do {
            var it = asCompleted([f], timeout: .zero)
            #expect(throws: TimeoutError.self) { try it.next() }
        }
        try f.setResult(1)  // no observer left to call
        #expect(f.isDone)
    }
}
