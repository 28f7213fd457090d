import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// A one-shot gate: the `parties`-th arrival opens it for everyone (a Barrier built on
/// `Event`, so tests order steps without sleeps).
final class Gate: Sendable {
    private let arrived = Atomic<Int>(0)
    private let open = Event()
    let parties: Int

    init(parties: Int) { self.parties = parties }

    /// Arrives and waits (bounded) until `parties` have arrived; `false` if they never did.
    @discardableResult
    func arriveAndWait() -> Bool {
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue >= parties { open.set() }
        return (try? open.wait(timeout: Delay.bound)) ?? false
    }
}

/// The intent of CPython's test_thread_pool.py, executor.py (generic executor tests),
/// test_shutdown.py and test_init.py, for `ThreadPoolExecutor`.
@Suite(.hangGuard)
struct ThreadPoolExecutorTests {
    // MARK: Submit and result

    @Test func submitReturnsTheResult() throws {
        try withThreadPool(maxWorkers: 2) { pool in
            let future = try pool.submit { 2 * 21 }
            #expect(try future.result(timeout: Delay.bound) == 42)
            #expect(future.isDone && !future.isRunning && !future.isCancelled)
        }
    }

    @Test func submitRethrowsTheWorksError() throws {
        try withThreadPool(maxWorkers: 1) { pool in
            let future = try pool.submit { () throws -> Int in throw Boom(tag: 1) }
            #expect(throws: Boom(tag: 1)) { try future.result(timeout: Delay.bound) }
            #expect(future.exception() as? Boom == Boom(tag: 1))
        }
    }

    @Test func defaultMaxWorkers() throws {
        let pool = try ThreadPoolExecutor()
        defer { pool.shutdown() }
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #expect(pool.maxWorkers == min(32, cores + 4))
    }

    @Test func maxWorkersBelowOneThrows() {
        #expect(throws: ThreadingError.self) { try ThreadPoolExecutor(maxWorkers: 0) }
        #expect(throws: ThreadingError.self) { try ThreadPoolExecutor(maxWorkers: -1) }
        #expect(throws: ThreadingError.self) { try withThreadPool(maxWorkers: 0) { _ in } }
    }

    // MARK: Workers

    @Test func noThreadStartsBeforeWork() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 3)
        #expect(pool.core.counts.started == 0)
        pool.shutdown()
        #expect(pool.core.counts.started == 0)
    }

    /// test_saturation: blocked work starts workers up to maxWorkers, never more. Unlike
    /// CPython's, the last workers may start just after `submit` returns: once every
    /// worker is busy or one spins, submissions leave the decision to the worker that
    /// takes an item with more queued behind it. So the test waits for the fourth
    /// worker, and checks at the end that no fifth ever started.
    @Test func saturationStopsAtMaxWorkers() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 4)
        let release = Event()
        let futures = try (0..<12).map { _ in try pool.submit { try release.wait(timeout: Delay.bound) } }
        waitUntil("four workers started") { pool.core.counts.started == 4 }
        #expect(pool.core.counts.workers == 4)
        release.set()
        for future in futures { #expect(try future.result(timeout: Delay.bound)) }
        pool.shutdown()
        #expect(pool.core.counts.started == 4)
        #expect(pool.core.counts.workers == 0)
    }

    /// test_idle_thread_reuse: work submitted while a worker is idle reuses it.
    @Test func idleWorkerIsReused() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 4)
        for i in 0..<5 {
            #expect(try pool.submit { i * 2 }.result(timeout: Delay.bound) == i * 2)
            waitUntil("pool.core.counts.idle == 1") { pool.core.counts.idle == 1 }
        }
        #expect(pool.core.counts.started == 1)
        pool.shutdown()
    }

    /// test_thread_names_assigned.
    @Test func workersAreNamedPrefixIndex() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 3, threadNamePrefix: "SpecialPool")
        let gate = Gate(parties: 3)
        let names = try (0..<3).map { _ in
            try pool.submit { () -> String in
                gate.arriveAndWait()
                return OSThread.current.name
            }
        }
        let got = Set(try names.map { try $0.result(timeout: Delay.bound) })
        #expect(got == ["SpecialPool_0", "SpecialPool_1", "SpecialPool_2"])
        pool.shutdown()
    }

    /// test_thread_names_default: ThreadPoolExecutor-K_N, K counting pools.
    @Test func defaultNamesCountPools() throws {
        let first = try ThreadPoolExecutor(maxWorkers: 1)
        let second = try ThreadPoolExecutor(maxWorkers: 1, threadNamePrefix: "")
        defer {
            first.shutdown()
            second.shutdown()
        }
        let name = try first.submit { OSThread.current.name }.result(timeout: Delay.bound)
        #expect(name.hasPrefix("ThreadPoolExecutor-") && name.hasSuffix("_0"))
        func poolNumber(_ prefix: String) -> Int? { Int(prefix.split(separator: "-").last ?? "") }
        let k1 = try #require(poolNumber(first.threadNamePrefix))
        let k2 = try #require(poolNumber(second.threadNamePrefix))
        #expect(k2 > k1)
        #expect(name == "\(first.threadNamePrefix)_0")
    }

    // MARK: Initializer (test_init.py)

    @Test func initializerRunsOnEveryWorkerFirst() throws {
        let initialized = Counter()
        let pool = try ThreadPoolExecutor(maxWorkers: 2) { initialized.increment() }
        let gate = Gate(parties: 2)
        let seen = try (0..<2).map { _ in
            try pool.submit { () -> Int in
                gate.arriveAndWait()
                return initialized.count
            }
        }
        for future in seen { #expect(try future.result(timeout: Delay.bound) >= 1) }
        pool.shutdown()
        #expect(initialized.count == 2)
    }

    @Test func failingInitializerBreaksThePool() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 2) { throw Boom(tag: 9) }
        do {
            let future = try pool.submit { 1 }
            #expect(throws: ExecutorError.self) { try future.result(timeout: Delay.bound) }
            if case .broken(let message)? = future.exception() as? ExecutorError {
                #expect(message.contains("initializer"))
            } else {
                Issue.record("expected ExecutorError.broken")
            }
        } catch let error as ExecutorError {
            guard case .broken = error else { throw error }  // already broken: also fine
        }
        // From now on submit throws the same error.
        waitUntil("pool.core.isClosed") { pool.core.isClosed }
        #expect {
            _ = try pool.submit { 2 }
        } throws: { error in
            if case .broken = error as? ExecutorError { return true }
            return false
        }
        pool.shutdown()
    }

    // MARK: Shutdown (test_shutdown.py)

    @Test func submitAfterShutdownThrows() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        pool.shutdown()
        #expect(throws: ExecutorError.shutDown) { _ = try pool.submit { 1 } }
    }

    @Test func shutdownTwiceAndFromAnotherThread() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 2)
        let futures = try (0..<10).map { i in try pool.submit { i } }
        let other = try spawn { pool.shutdown() }
        try joinAll([other])
        pool.shutdown()
        pool.shutdown(wait: false, cancelFutures: true)
        for (i, future) in futures.enumerated() { #expect(try future.result(timeout: .zero) == i) }
        #expect(pool.core.counts.workers == 0)
    }

    /// Shutdown while one task runs and others are queued: wait: true returns after every
    /// one of them has finished.
    @Test func shutdownWaitsForRunningAndQueuedWork() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let started = Event()
        let release = Event()
        let running = try pool.submit { () -> Int in
            started.set()
            _ = try release.wait(timeout: Delay.bound)
            return 0
        }
        let queued = try (1...5).map { i in try pool.submit { i } }
        #expect(try started.wait(timeout: Delay.bound))
        // Closed here, so the refusal below does not depend on the shutter having run yet.
        pool.shutdown(wait: false)
        let shutDown = Event()
        let shutter = try spawn {
            pool.shutdown(wait: true)
            shutDown.set()
        }
        #expect(try !shutDown.wait(timeout: Delay.settle))  // blocked on the running task
        #expect(throws: ExecutorError.shutDown) { _ = try pool.submit { 9 } }
        release.set()
        #expect(try shutDown.wait(timeout: Delay.bound))
        try joinAll([shutter])
        #expect(try running.result(timeout: .zero) == 0)
        for (i, future) in queued.enumerated() { #expect(try future.result(timeout: .zero) == i + 1) }
    }

    /// test_cancel_futures: queued work is cancelled, running work finishes.
    @Test func shutdownCancelFutures() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let started = Event()
        let release = Event()
        let running = try pool.submit { () -> Int in
            started.set()
            _ = try release.wait(timeout: Delay.bound)
            return 0
        }
        let queued = try (1...5).map { i in try pool.submit { i } }
        #expect(try started.wait(timeout: Delay.bound))
        pool.shutdown(wait: false, cancelFutures: true)
        for future in queued {
            #expect(future.isCancelled)
            #expect(throws: CancellationError.self) { try future.result(timeout: .zero) }
        }
        #expect(!running.isDone)
        release.set()
        pool.shutdown(wait: true)
        #expect(try running.result(timeout: .zero) == 0)
    }

    /// test_shutdown_no_wait: returns at once; the work still completes.
    @Test func shutdownWithoutWaitReturnsAtOnce() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 2)
        let release = Event()
        let futures = try (0..<4).map { i in
            try pool.submit { () -> Int in
                _ = try release.wait(timeout: Delay.bound)
                return i
            }
        }
        pool.shutdown(wait: false)
        #expect(futures.allSatisfy { !$0.isDone })
        release.set()
        for (i, future) in futures.enumerated() { #expect(try future.result(timeout: Delay.bound) == i) }
        pool.shutdown()
    }

    /// A task that shuts down its own pool does not wait for itself.
    @Test func shutdownFromAWorker() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let future = try pool.submit { () -> Bool in
            pool.shutdown(wait: true)
            return true
        }
        #expect(try future.result(timeout: Delay.bound))
        pool.shutdown()
    }

    /// test_del_shutdown: a pool dropped without shutdown lets its workers exit.
    @Test func droppedPoolShutsDown() throws {
        var pool: ThreadPoolExecutor? = try ThreadPoolExecutor(maxWorkers: 2)
        let future = try pool?.submit { 5 }
        #expect(try future?.result(timeout: Delay.bound) == 5)
        weak let core = pool?.core
        #expect(core != nil)
        pool = nil
        // The workers exit and nothing keeps the pool's core alive (no cycle with its threads).
        waitUntil("core == nil") { core == nil }
    }

    // MARK: withThreadPool

    @Test func withThreadPoolShutsDownOnReturn() throws {
        var escaped: ThreadPoolExecutor?
        let futures = try withThreadPool(maxWorkers: 3, threadNamePrefix: "with") { pool in
            escaped = pool
            return try (0..<20).map { i in try pool.submit { i * i } }
        }
        #expect(futures.allSatisfy { $0.isDone })
        #expect(throws: ExecutorError.shutDown) { _ = try escaped?.submit { 0 } }
    }

    @Test func withThreadPoolShutsDownOnThrow() throws {
        var escaped: ThreadPoolExecutor?
        let release = Event()
        let holder = Mutex<Future<Int>?>(nil)
        #expect(throws: Boom(tag: 2)) {
            try withThreadPool(maxWorkers: 1) { pool in
                escaped = pool
                let future = try pool.submit { () -> Int in
                    _ = try release.wait(timeout: Delay.short)
                    return 1
                }
                holder.withLock { $0 = future }
                throw Boom(tag: 2)
            }
        }
        #expect(holder.withLock { $0?.isDone } == true)  // waited for the work
        #expect(throws: ExecutorError.shutDown) { _ = try escaped?.submit { 0 } }
    }

    // MARK: map (executor.py)

    @Test func mapKeepsInputOrder() throws {
        try withThreadPool(maxWorkers: 4) { pool in
            let squares = try pool.map(0..<100) { $0 * $0 }
            #expect(squares == (0..<100).map { $0 * $0 })
            #expect(try pool.map([Int]()) { $0 }.isEmpty)
        }
    }

    /// test_map_exception: the first error in input order is thrown, and later items are
    /// cancelled.
    @Test func mapThrowsTheFirstErrorInInputOrder() throws {
        try withThreadPool(maxWorkers: 2) { pool in
            let slowFailure = Event()
            #expect(throws: Boom(tag: 3)) {
                try pool.map(0..<6) { i -> Int in
                    // Item 5 fails first in time, item 3 first in input order.
                    if i == 3 {
                        _ = try slowFailure.wait(timeout: Delay.bound)
                        throw Boom(tag: 3)
                    }
                    if i == 5 {
                        slowFailure.set()
                        throw Boom(tag: 5)
                    }
                    return i
                }
            }
            _ = slowFailure  // keep the event alive for the items
        }
    }

    /// test_map_timeout: TimeoutError, measured from the call; the rest are cancelled.
    @Test func mapTimesOut() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let release = Event()
        let start = ContinuousClock.now
        #expect(throws: TimeoutError.self) {
            try pool.map(0..<3, timeout: Delay.short) { i -> Int in
                _ = try release.wait(timeout: Delay.bound)
                return i
            }
        }
        #expect(ContinuousClock.now - start >= Delay.short)
        release.set()
        pool.shutdown()
        #expect(pool.core.counts.workers == 0)
    }

    @Test func mapNegativeTimeoutAndShutdownThrow() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        #expect(throws: ThreadingError.self) { _ = try pool.map([1], timeout: .seconds(-1)) { $0 } }
        pool.shutdown()
        #expect(throws: ExecutorError.shutDown) { _ = try pool.map([1]) { $0 } }
    }

    // MARK: async map

    @Test func asyncMapKeepsInputOrderWithoutBlocking() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 3)
        defer { pool.shutdown(wait: false) }
        let squares = try await pool.map(0..<100) { $0 * $0 }
        #expect(squares == (0..<100).map { $0 * $0 })
        #expect(try await pool.map([Int]()) { $0 }.isEmpty)
    }

    /// Item 0 fails at once while the one worker is held by item 1 until map has thrown:
    /// items 2 and 3, still queued when map cancels them, never run. The awaiting task
    /// runs on a pool of its own: on the cooperative pool its resumption once waited a
    /// minute behind other tests' blocking bodies, longer than item 1's bound.
    @Test func asyncMapThrowsTheFirstErrorInInputOrderAndCancelsTheRest() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let driver = try ThreadPoolExecutor(maxWorkers: 1)
        defer { driver.shutdown(wait: false) }
        let release = Event()
        let ran = Mutex<[Int]>([])
        _ = await withTaskExecutorPreference(driver) {
            await #expect(throws: Boom(tag: 0)) {
                try await pool.map(0..<4) { i -> Int in
                    ran.withLock { $0.append(i) }
                    if i == 0 { throw Boom(tag: 0) }
                    if i == 1 { _ = try release.wait(timeout: Delay.bound) }
                    return i
                }
            }
        }
        release.set()
        pool.shutdown()
        #expect(ran.withLock { $0.allSatisfy { $0 < 2 } })
    }

    /// The map's task and the test's own waiting both run on a pool of their own, so the
    /// cancellation is seen while item 0 still holds the one worker: with the test's body
    /// on the cooperative pool, a CI run resumed it only after item 0's 30 s bound had
    /// run out, and item 1 ran.
    @Test func asyncMapOfACancelledTaskThrowsCancellationAndCancelsTheRest() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let driver = try ThreadPoolExecutor(maxWorkers: 2)
        defer { driver.shutdown(wait: false) }
        let started = Event()
        let release = Event()
        let ran = Mutex(0)
        let task = Task(executorPreference: driver) {
            try await pool.map(0..<3) { i -> Int in
                ran.withLock { $0 += 1 }
                started.set()
                _ = try release.wait(timeout: Delay.bound)
                return i
            }
        }
        try await withTaskExecutorPreference(driver) {
            try await started.wait()
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
        }
        release.set()
        pool.shutdown()
        #expect(ran.withLock { $0 } == 1, "the two queued items were cancelled")
    }

    @Test func asyncMapAfterShutdownThrows() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        pool.shutdown()
        await #expect(throws: ExecutorError.shutDown) { _ = try await pool.map([1]) { $0 } }
    }

    // MARK: The tutorial's race (3.4)

    final class FakeDataStore: @unchecked Sendable {
        // Guarded by `lock` in the locked demo; unguarded (on purpose) in the racy one.
        var value = 0
        let lock = Lock()
    }

    /// Three updates (read, sleep 0.1 s, write) on two workers lose an update without a
    /// lock. The first two reads are gated to happen before either write, so the loss is
    /// certain, not a matter of timing.
    @Test func raceWithoutLockLosesUpdates() throws {
        let store = FakeDataStore()
        let bothRead = Gate(parties: 2)
        let written = Counter()
        try withThreadPool(maxWorkers: 2) { pool in
            for _ in 0..<3 {
                _ = try pool.submit {
                    let local = store.lock.withLock { store.value }  // the read itself is whole
                    bothRead.arriveAndWait()
                    Thread.sleep(forTimeInterval: 0.1)
                    store.lock.withLock { store.value = local + 1 }
                    written.increment()
                }
            }
        }
        #expect(store.value < 3)
        #expect(written.count == 3)
    }

    @Test func raceWithLockEndsAtThree() throws {
        let store = FakeDataStore()
        try withThreadPool(maxWorkers: 2) { pool in
            for _ in 0..<3 {
                _ = try pool.submit {
                    store.lock.withLock {
                        let local = store.value
                        Thread.sleep(forTimeInterval: 0.1)
                        store.value = local + 1
                    }
                }
            }
        }
        #expect(store.value == 3)
    }

    // MARK: Stress

    /// 100,000 futures (scaled under TSan), each with a done callback: every callback runs
    /// once and the sum is exact.
    @Test func manyTasksWithDoneCallbacks() throws {
        let n = Stress.size(100_000)
        let callbacks = Counter()
        let sum = Atomic<Int>(0)
        let futures = try withThreadPool(maxWorkers: 4) { pool in
            try (0..<n).map { i in
                let future = try pool.submit { i }
                future.addDoneCallback { done in
                    callbacks.increment()
                    sum.add((try? done.result()) ?? 0, ordering: .relaxed)
                }
                return future
            }
        }
        #expect(futures.allSatisfy { $0.isDone })
        #expect(callbacks.count == n)
        #expect(sum.load(ordering: .relaxed) == n * (n - 1) / 2)
    }

    /// Many submitters at once, with shutdown racing them from another thread: every
    /// accepted task runs exactly once, every refused one throws shutDown.
    @Test func concurrentSubmittersRacingShutdown() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 3)
        let ran = Counter()
        let accepted = Counter()
        let start = Gate(parties: 5)
        var threads: [OSThread] = []
        for _ in 0..<4 {
            threads.append(
                try spawn {
                    start.arriveAndWait()
                    for _ in 0..<Stress.size(5_000) {
                        do {
                            _ = try pool.submit { ran.increment() }
                            accepted.increment()
                        } catch {
                            #expect(error as? ExecutorError == .shutDown)
                        }
                    }
                })
        }
        threads.append(
            try spawn {
                start.arriveAndWait()
                pool.shutdown(wait: true)
            })
        try joinAll(threads)
        pool.shutdown()
        #expect(ran.count == accepted.count)
    }

    /// The same race with `cancelFutures`: every accepted future ends (its work ran, or it
    /// was cancelled), none is left pending — including those published to the pool's
    /// inbox while the shutdown closed it.
    @Test func concurrentSubmittersRacingShutdownThatCancels() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 2)
        let ran = Counter()
        let futures = Mutex<[Future<Void>]>([])
        let start = Gate(parties: 4)
        var threads: [OSThread] = []
        for _ in 0..<3 {
            threads.append(
                try spawn {
                    start.arriveAndWait()
                    var mine: [Future<Void>] = []
                    for _ in 0..<Stress.size(5_000) {
                        do {
                            mine.append(try pool.submit { ran.increment() })
                        } catch {
                            #expect(error as? ExecutorError == .shutDown)
                        }
                    }
                    futures.withLock { $0 += mine }
                })
        }
        threads.append(
            try spawn {
                start.arriveAndWait()
                pool.shutdown(wait: true, cancelFutures: true)
            })
        try joinAll(threads)
        pool.shutdown()
        let accepted = futures.withLock { $0 }
        #expect(accepted.allSatisfy { $0.isDone })
        #expect(accepted.filter { !$0.isCancelled }.count == ran.count)
    }

    /// Bursts through the lock-free inbox with the workers going idle between them: every
    /// task runs (no publication is left behind when the gate closes).
    @Test func burstsBetweenIdlePeriodsAllRun() throws {
        try withThreadPool(maxWorkers: 2) { pool in
            for burst in 0..<Stress.size(200) {
                let futures = try (0..<50).map { i in try pool.submit { burst * 100 + i } }
                for (i, future) in futures.enumerated() {
                    #expect(try future.result(timeout: Delay.bound) == burst * 100 + i)
                }
            }
        }
    }
}
