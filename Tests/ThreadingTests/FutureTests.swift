import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

struct Boom: Error, Equatable {
    var tag = 0
}

/// Futures in each phase, as CPython's test util makes them.
enum Futures {
    static func pending() -> Future<Int> { Future() }
    static func running() throws -> Future<Int> {
        let f = Future<Int>()
        #expect(try f.setRunningOrNotifyCancel())
        return f
    }
    static func cancelled() -> Future<Int> {
        let f = Future<Int>()
        #expect(f.cancel())
        return f
    }
    static func failed(_ tag: Int = 0) throws -> Future<Int> {
        let f = Future<Int>()
        try f.setError(Boom(tag: tag))
        return f
    }
    static func succeeded(_ value: Int = 42) throws -> Future<Int> {
        let f = Future<Int>()
        try f.setResult(value)
        return f
    }
}

/// The intent of CPython's test_future.py, plus the async twin.
@Suite(.hangGuard)
struct FutureTests {
    // MARK: Done callbacks

    @Test func doneCallbackWithResult() throws {
        let f = Future<Int>()
        let seen = StateLock<Int?>(nil)
        f.addDoneCallback { future in
            let value = try? future.result()
            seen.withLock { $0 = value }
        }
        try f.setResult(5)
        #expect(seen.withLock { $0 } == 5)
    }

    @Test func doneCallbackWithError() throws {
        let f = Future<Int>()
        let seen = StateLock<Boom?>(nil)
        f.addDoneCallback { future in
            let error = future.exception() as? Boom
            seen.withLock { $0 = error }
        }
        try f.setError(Boom(tag: 3))
        #expect(seen.withLock { $0 } == Boom(tag: 3))
    }

    @Test func doneCallbackWithCancel() {
        let f = Future<Int>()
        let wasCancelled = StateLock(false)
        f.addDoneCallback { future in wasCancelled.withLock { $0 = future.isCancelled } }
        #expect(f.cancel())
        #expect(wasCancelled.withLock { $0 })
    }

    @Test func doneCallbacksRunInOrderAddedOnce() throws {
        let f = Future<Int>()
        let order = StateLock<[Int]>([])
        for i in 0..<5 { f.addDoneCallback { _ in order.withLock { $0.append(i) } } }
        try f.setResult(1)
        #expect(throws: ThreadingError.self) { try f.setResult(2) }
        #expect(!f.cancel())
        #expect(order.withLock { $0 } == [0, 1, 2, 3, 4])
    }

    @Test func doneCallbackOnFinishedFutureRunsAtOnce() throws {
        for f in [try Futures.succeeded(), try Futures.failed(), Futures.cancelled()] {
            let calls = Counter()
            f.addDoneCallback { _ in calls.increment() }
            #expect(calls.count == 1)
        }
    }

    /// A callback that calls back into its future (result, another callback) must not
    /// deadlock: callbacks run outside the lock.
    @Test func callbackMayCallBackIntoTheFuture() throws {
        let f = Future<Int>()
        let inner = Counter()
        f.addDoneCallback { future in
            #expect(future.isDone)
            #expect((try? future.result()) == 9)
            future.addDoneCallback { _ in inner.increment() }
        }
        try f.setResult(9)
        #expect(inner.count == 1)
    }

    // MARK: Phases

    @Test func cancelOnlyWhilePending() throws {
        let pending = Futures.pending()
        #expect(pending.cancel())
        #expect(pending.isCancelled && pending.isDone && !pending.isRunning)
        #expect(pending.cancel())  // cancelling twice still says cancelled
        #expect(pending.isCancelled)

        let running = try Futures.running()
        #expect(!running.cancel())
        #expect(running.isRunning && !running.isDone && !running.isCancelled)

        for f in [try Futures.failed(), try Futures.succeeded()] {
            #expect(!f.cancel())
            #expect(f.isDone && !f.isCancelled && !f.isRunning)
        }
    }

    @Test func phaseSnapshots() throws {
        let pending = Futures.pending()
        #expect(!pending.isDone && !pending.isRunning && !pending.isCancelled)
        let cancelled = Futures.cancelled()
        #expect(cancelled.isDone && !cancelled.isRunning && cancelled.isCancelled)
    }

    @Test func resultWithZeroTimeoutInEachPhase() throws {
        #expect(throws: TimeoutError.self) { try Futures.pending().result(timeout: .zero) }
        #expect(throws: TimeoutError.self) { try Futures.running().result(timeout: .zero) }
        #expect(throws: CancellationError.self) { try Futures.cancelled().result(timeout: .zero) }
        #expect(throws: Boom(tag: 1)) { try Futures.failed(1).result(timeout: .zero) }
        #expect(try Futures.succeeded().result(timeout: .zero) == 42)
    }

    @Test func exceptionWithZeroTimeoutInEachPhase() throws {
        #expect(throws: TimeoutError.self) { try Futures.pending().exception(timeout: .zero) }
        #expect(throws: TimeoutError.self) { try Futures.running().exception(timeout: .zero) }
        #expect(try Futures.cancelled().exception(timeout: .zero) is CancellationError)
        #expect(try Futures.failed(2).exception(timeout: .zero) as? Boom == Boom(tag: 2))
        #expect(try Futures.succeeded().exception(timeout: .zero) == nil)
    }

    @Test func negativeTimeoutThrowsInvalidArgument() {
        let f = Futures.pending()
        #expect(throws: ThreadingError.self) { try f.result(timeout: .seconds(-1)) }
        #expect(throws: ThreadingError.self) { try f.exception(timeout: .seconds(-1)) }
    }

    @Test func resultTimesOutAfterTheTimeout() throws {
        let f = Futures.pending()
        let start = ContinuousClock.now
        #expect(throws: TimeoutError.self) { try f.result(timeout: Delay.short) }
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(f.waiterCount == 0)  // the timed-out waiter withdrew
    }

    @Test func hugeTimeoutDoesNotTrap() throws {
        #expect(try Futures.succeeded(1).result(timeout: .seconds(Int64.max)) == 1)
    }

    // MARK: Executor side

    @Test func settingTwiceThrowsInvalidState() throws {
        let f = Future<Int>()
        try f.setResult(1)
        #expect(throws: ThreadingError.self) { try f.setResult(2) }
        #expect(throws: ThreadingError.self) { try f.setError(Boom()) }
        #expect(try f.result() == 1)

        let g = Future<Int>()
        try g.setError(Boom(tag: 4))
        #expect(throws: ThreadingError.self) { try g.setError(Boom()) }
        #expect(g.exception() as? Boom == Boom(tag: 4))

        let c = Futures.cancelled()
        #expect(throws: ThreadingError.self) { try c.setResult(1) }
    }

    @Test func setRunningOrNotifyCancel() throws {
        let f = Future<Int>()
        #expect(try f.setRunningOrNotifyCancel())
        #expect(f.isRunning)
        #expect(throws: ThreadingError.self) { try f.setRunningOrNotifyCancel() }
        try f.setResult(3)
        #expect(throws: ThreadingError.self) { try f.setRunningOrNotifyCancel() }

        let c = Futures.cancelled()
        #expect(try !c.setRunningOrNotifyCancel())
    }

    // MARK: Blocking and waking

    @Test func resultBlocksUntilSetResult() throws {
        let f = Future<Int>()
        let got = StateLock<Int?>(nil)
        let waiter = try spawn {
            let value = try? f.result()
            got.withLock { $0 = value }
        }
        waitUntil("f.waiterCount == 1") { f.waiterCount == 1 }
        #expect(got.withLock { $0 } == nil)
        try f.setResult(42)
        try joinAll([waiter])
        #expect(got.withLock { $0 } == 42)
    }

    @Test func resultRethrowsTheWorksError() throws {
        let f = Future<Int>()
        let waiter = try spawn {
            #expect(throws: Boom(tag: 5)) { try f.result(timeout: Delay.bound) }
        }
        waitUntil("f.waiterCount == 1") { f.waiterCount == 1 }
        try f.setError(Boom(tag: 5))
        try joinAll([waiter])
    }

    /// Cancelled futures wake all their waiters, who throw CancellationError.
    @Test func cancelWakesEveryWaiter() throws {
        let f = Future<Int>()
        let cancelled = Counter()
        var threads: [OSThread] = []
        for _ in 0..<3 {
            threads.append(
                try spawn {
                    do { _ = try f.result(timeout: Delay.bound) } catch is CancellationError {
                        cancelled.increment()
                    }
                })
        }
        threads.append(
            try spawn {
                if f.exception() is CancellationError { cancelled.increment() }
            })
        waitUntil("f.waiterCount == 4") { f.waiterCount == 4 }
        #expect(f.cancel())
        try joinAll(threads)
        #expect(cancelled.count == 4)
    }

    @Test func exceptionBlocksUntilDone() throws {
        let f = Future<Int>()
        let got = StateLock<Boom?>(nil)
        let waiter = try spawn {
            let error = f.exception() as? Boom
            got.withLock { $0 = error }
        }
        waitUntil("f.waiterCount == 1") { f.waiterCount == 1 }
        try f.setError(Boom(tag: 8))
        try joinAll([waiter])
        #expect(got.withLock { $0 } == Boom(tag: 8))
    }

    @Test func callbacksRunOnTheCompletingThread() throws {
        let f = Future<Int>()
        let names = StateLock<[String]>([])
        f.addDoneCallback { _ in names.withLock { $0.append(OSThread.current.name) } }
        let setter = try spawn(name: "setter") { try f.setResult(1) }
        try joinAll([setter])
        #expect(names.withLock { $0 } == ["setter"])
    }

    // MARK: Async

    @Test func valueSuspendsUntilSet() async throws {
        let f = Future<Int>()
        async let got = f.value
        // The task is listed as a waiter without holding a thread.
        while f.waiterCount == 0 { await Task.yield() }
        try f.setResult(11)
        #expect(try await got == 11)
        #expect(try await f.value == 11)
    }

    @Test func valueRethrowsAndCancels() async throws {
        await #expect(throws: Boom(tag: 6)) { _ = try await Futures.failed(6).value }
        await #expect(throws: CancellationError.self) { _ = try await Futures.cancelled().value }
        let f = Future<Int>()
        let task = inTask { try await f.value }
        while f.waiterCount == 0 { await Task.yield() }
        #expect(f.cancel())
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }

    /// Cancelling the awaiting task throws CancellationError there, but the future goes on.
    @Test func cancellingTheAwaitingTaskDoesNotCancelTheFuture() async throws {
        let f = Future<Int>()
        let task = inTask { try await f.value }
        while f.waiterCount == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(f.waiterCount == 0)
        #expect(!f.isCancelled && !f.isDone)
        try f.setResult(1)
        #expect(try await f.value == 1)
    }

    @Test func alreadyCancelledTaskStillGetsAFinishedValue() async throws {
        let f = try Futures.succeeded(5)
        let task = inTask {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await f.value
        }
        #expect(try await task.value == 5)
    }

    @Test func hashableByIdentity() throws {
        let a = Future<Int>()
        let b = Future<Int>()
        #expect(a == a && a != b)
        #expect(Set([a, b, a]).count == 2)
    }

    // MARK: Stress

    /// Many futures completed by one thread while others wait and add callbacks: every
    /// callback runs exactly once, every waiter sees the value.
    @Test func manyFuturesWithCallbacksAndWaiters() throws {
        let n = Stress.size(100_000)
        let futures = (0..<n).map { _ in Future<Int>() }
        let callbacks = Counter()
        let sum = Atomic<Int>(0)
        let halfway = Event()
        let adder = try spawn {
            for (i, f) in futures.enumerated() {
                f.addDoneCallback { future in
                    callbacks.increment()
                    if let v = try? future.result() { sum.add(v, ordering: .relaxed) }
                }
                if i == n / 2 { halfway.set() }
            }
        }
        let setter = try spawn {
            #expect(try halfway.wait(timeout: Delay.bound))
            for (i, f) in futures.enumerated() { try f.setResult(i) }
        }
        let reader = try spawn {
            var total = 0
            for f in futures { total += try f.result(timeout: Delay.bound) }
            #expect(total == n * (n - 1) / 2)
        }
        try joinAll([adder, setter, reader])
        #expect(callbacks.count == n)
        #expect(sum.load(ordering: .relaxed) == n * (n - 1) / 2)
    }
}
