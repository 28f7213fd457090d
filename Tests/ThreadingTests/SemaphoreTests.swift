import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The API `Semaphore` and `BoundedSemaphore` share, so one suite runs over both.
protocol SemaphoreLike: Sendable {
    func acquire()
    func acquire() async throws
    func tryAcquire() -> Bool
    func acquire(timeout: Duration) throws -> Bool
    func release(_ n: Int) throws
    var value: Int { get }
    var waiterCount: Int { get }
}

extension Threading.Semaphore: SemaphoreLike {}
extension BoundedSemaphore: SemaphoreLike {}

enum SemaphoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case plain
    case bounded

    func make(_ value: Int = 1) throws -> any SemaphoreLike {
        switch self {
        case .plain: try Threading.Semaphore(value)
        case .bounded: try BoundedSemaphore(value)
        }
    }

    var testDescription: String { rawValue }
}

/// CPython lock_tests.py BaseSemaphoreTests over both kinds, FIFO hand-off, the async
/// twin, and every error.
@Suite(.hangGuard)
struct SemaphoreTests {
    @Test(arguments: SemaphoreKind.allCases)
    func negativeInitialValueThrows(_ kind: SemaphoreKind) {
        #expect(throws: ThreadingError.self) { _ = try kind.make(-1) }
        #expect(throws: ThreadingError.self) { _ = try kind.make(Int.min) }
    }

    @Test(arguments: SemaphoreKind.allCases)
    func acquireRelease(_ kind: SemaphoreKind) throws {
        let one = try kind.make(1)
        one.acquire()
        try one.release(1)
        let two = try kind.make(2)
        two.acquire()
        two.acquire()
        #expect(two.value == 0)
        try two.release(1)
        try two.release(1)
        #expect(two.value == 2)
    }

    @Test(arguments: SemaphoreKind.allCases)
    func defaultValueIsOne(_ kind: SemaphoreKind) throws {
        let semaphore: any SemaphoreLike =
            kind == .plain ? try Threading.Semaphore() : try BoundedSemaphore()
        #expect(semaphore.value == 1)
        #expect(semaphore.tryAcquire())
        #expect(!semaphore.tryAcquire())
    }

    @Test(arguments: SemaphoreKind.allCases)
    func tryAcquire(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(2)
        #expect(semaphore.tryAcquire())
        #expect(semaphore.tryAcquire())
        #expect(!semaphore.tryAcquire())
        try semaphore.release(1)
        #expect(semaphore.tryAcquire())
    }

    /// lock_tests.py test_try_acquire_contended: 3 free permits, 10 tries, 3 successes.
    @Test(arguments: SemaphoreKind.allCases)
    func tryAcquireContended(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(4)
        semaphore.acquire()
        let results = Recorder<Bool>()
        let threads = try (0..<5).map { _ in
            try spawn {
                results.append(semaphore.tryAcquire())
                results.append(semaphore.tryAcquire())
            }
        }
        try joinAll(threads)
        #expect(results.all.filter { $0 }.count == 3)
        #expect(results.count == 10)
    }

    /// lock_tests.py test_acquire_timeout.
    @Test(arguments: SemaphoreKind.allCases)
    func acquireTimeout(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(2)
        #expect(try semaphore.acquire(timeout: .milliseconds(5)))
        #expect(try semaphore.acquire(timeout: .zero))
        #expect(try !semaphore.acquire(timeout: .milliseconds(5)))
        try semaphore.release(1)
        #expect(try semaphore.acquire(timeout: .milliseconds(5)))
        let start = ContinuousClock.now
        #expect(try !semaphore.acquire(timeout: Delay.short))
        #expect(ContinuousClock.now - start >= Delay.short)
        // State after a timed-out acquire: no permit taken or lost, no waiter left.
        #expect(semaphore.value == 0)
        #expect(semaphore.waiterCount == 0)
        try semaphore.release(1)
        #expect(semaphore.value == 1)
    }

    @Test(arguments: SemaphoreKind.allCases)
    func negativeTimeoutThrows(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(1)
        #expect(throws: ThreadingError.self) { _ = try semaphore.acquire(timeout: .seconds(-1)) }
        #expect(semaphore.value == 1)
    }

    @Test(arguments: SemaphoreKind.allCases)
    func hugeTimeoutDoesNotTrap(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(1)
        #expect(try semaphore.acquire(timeout: .seconds(Int64.max)))
    }

    @Test(arguments: SemaphoreKind.allCases)
    func releaseOfLessThanOneThrows(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(0)
        #expect(throws: ThreadingError.self) { try semaphore.release(0) }
        #expect(throws: ThreadingError.self) { try semaphore.release(-1) }
        #expect(semaphore.value == 0)
    }

    /// lock_tests.py test_default_value: a blocked acquire is released by `release`.
    @Test(arguments: SemaphoreKind.allCases)
    func blockedAcquireReleasedByAnotherThread(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(1)
        semaphore.acquire()
        let acquired = Event()
        let waiter = try spawn {
            semaphore.acquire()
            acquired.set()
            try semaphore.release(1)
        }
        #expect(try !acquired.wait(timeout: Delay.settle))  // still blocked
        try semaphore.release(1)
        #expect(try acquired.wait(timeout: Delay.bound))
        try joinAll([waiter])
        #expect(semaphore.value == 1)
    }

    /// lock_tests.py test_acquire_contended / test_multirelease: `release(n)` lets exactly
    /// n waiters through.
    @Test(arguments: SemaphoreKind.allCases, [false, true])
    func releaseLetsExactlyNThrough(_ kind: SemaphoreKind, multirelease: Bool) throws {
        let semaphore = try kind.make(7)
        semaphore.acquire()
        let passed = try Threading.Semaphore(0)
        let finished = Counter()
        let threads = try (0..<10).map { _ in
            try spawn {
                semaphore.acquire()
                try passed.release()
                semaphore.acquire()
                try passed.release()
                finished.increment()
            }
        }
        // Phase 0: the 6 free permits go; every thread not finished waits.
        for _ in 0..<6 { #expect(try passed.acquire(timeout: Delay.bound)) }
        waitUntil("every unfinished thread waits") { semaphore.waiterCount + finished.count == 10 }
        #expect(try !passed.acquire(timeout: Delay.short))
        // Phase 1: release 7.
        if multirelease {
            try semaphore.release(7)
        } else {
            for _ in 0..<7 { try semaphore.release(1) }
        }
        for _ in 0..<7 { #expect(try passed.acquire(timeout: Delay.bound)) }
        #expect(try !passed.acquire(timeout: Delay.short))
        // Phase 2: release 6; one acquisition still waits, nothing is free.
        if multirelease {
            try semaphore.release(6)
        } else {
            for _ in 0..<6 { try semaphore.release(1) }
        }
        for _ in 0..<6 { #expect(try passed.acquire(timeout: Delay.bound)) }
        #expect(!semaphore.tryAcquire())
        try semaphore.release(1)
        #expect(try passed.acquire(timeout: Delay.bound))
        try joinAll(threads)
        #expect(semaphore.value == 0)
    }

    /// A release wakes the oldest waiter first (CPython wakes its condition's waiters in
    /// order too).
    @Test(arguments: SemaphoreKind.allCases)
    func releaseWakesTheOldestWaiterFirst(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(3)
        for _ in 0..<3 { semaphore.acquire() }
        let order = Recorder<Int>()
        var threads: [OSThread] = []
        for tag in 0..<3 {
            threads.append(
                try spawn {
                    semaphore.acquire()
                    order.append(tag)
                })
            waitUntil("waiter \(tag) is listed") { semaphore.waiterCount == tag + 1 }
        }
        try semaphore.release(1)
        waitUntil("waiter 0 ran") { order.count == 1 }
        try semaphore.release(2)
        try joinAll(threads)
        #expect(order.all.first == 0)
        #expect(order.all.sorted() == [0, 1, 2])
        #expect(semaphore.value == 0)
    }

    /// Not fair, as in CPython: a newcomer may take a permit while others wait, and the
    /// waiter it overtook still gets the next one. Many rounds of a release racing a
    /// newcomer's `tryAcquire`: every permit ends with exactly one of them.
    @Test(arguments: SemaphoreKind.allCases)
    func newcomersRacingWokenWaitersLoseNothing(_ kind: SemaphoreKind) throws {
        let rounds = Stress.size(2_000)
        let semaphore = try kind.make(1)
        semaphore.acquire()
        let waiterGot = Counter()
        let waiter = try spawn {
            for _ in 0..<rounds {
                semaphore.acquire()
                waiterGot.increment()
                try semaphore.release(1)
            }
        }
        let newcomer = try spawn {
            for _ in 0..<rounds where semaphore.tryAcquire() {
                try semaphore.release(1)
            }
        }
        try semaphore.release(1)
        try joinAll([waiter, newcomer])
        #expect(waiterGot.count == rounds)
        #expect(semaphore.value == 1)
        #expect(semaphore.waiterCount == 0)
    }

    /// A timed acquire that succeeds when a permit comes in time.
    @Test(arguments: SemaphoreKind.allCases)
    func timedAcquireSucceedsWhenReleased(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(1)
        semaphore.acquire()
        let result = StateLock<Bool?>(nil)
        let waiter = try spawn {
            let got = try semaphore.acquire(timeout: Delay.bound)
            result.withLock { $0 = got }
        }
        waitUntil("the waiter is listed") { semaphore.waiterCount == 1 }
        try semaphore.release(1)
        try joinAll([waiter])
        #expect(result.withLock { $0 } == true)
        #expect(semaphore.value == 0)
    }

    /// Timed acquisitions racing releases: every permit is accounted for.
    @Test(arguments: SemaphoreKind.allCases)
    func timeoutsNeverLoseAPermit(_ kind: SemaphoreKind) throws {
        let rounds = Stress.size(2_000)
        let semaphore = try kind.make(rounds)
        for _ in 0..<rounds { semaphore.acquire() }
        let got = Counter()
        let threads = try (0..<4).map { _ in
            try spawn {
                for _ in 0..<rounds / 4 where try semaphore.acquire(timeout: .microseconds(50)) {
                    got.increment()
                }
            }
        }
        let releaser = try spawn { for _ in 0..<rounds { try semaphore.release(1) } }
        try joinAll(threads + [releaser])
        #expect(got.count + semaphore.value == rounds)
        #expect(semaphore.waiterCount == 0)
    }

    // MARK: async

    /// A task waiting in `await acquire()` is woken by a thread's release.
    @Test(arguments: SemaphoreKind.allCases)
    func taskWokenByThreadRelease(_ kind: SemaphoreKind) async throws {
        let semaphore = try kind.make(1)
        #expect(semaphore.tryAcquire())
        let task = inTask { try await semaphore.acquire() }
        await waitUntil("the task is listed") { semaphore.waiterCount == 1 }
        let releaser = try spawn { try semaphore.release(1) }
        try await task.value
        try joinAll([releaser])
        #expect(semaphore.value == 0)
    }

    /// A thread blocked in `acquire()` is woken by a task's release.
    @Test(arguments: SemaphoreKind.allCases)
    func threadWokenByTaskRelease(_ kind: SemaphoreKind) async throws {
        let semaphore = try kind.make(1)
        #expect(semaphore.tryAcquire())
        let acquired = Event()
        let waiter = try spawn {
            semaphore.acquire()
            acquired.set()
        }
        await waitUntil("the thread is listed") { semaphore.waiterCount == 1 }
        try await inTask { try semaphore.release(1) }.value
        #expect(try waitedFor(acquired))
        try joinAll([waiter])
    }

    @Test(arguments: SemaphoreKind.allCases)
    func asyncAcquireTakesAFreePermitAtOnce(_ kind: SemaphoreKind) async throws {
        let semaphore = try kind.make(2)
        try await semaphore.acquire()
        try await semaphore.acquire()
        #expect(semaphore.value == 0)
    }

    /// Cancelling a waiting task throws `CancellationError` and does not lose a permit.
    @Test(arguments: SemaphoreKind.allCases)
    func cancelledTaskDoesNotLoseAPermit(_ kind: SemaphoreKind) async throws {
        let semaphore = try kind.make(1)
        #expect(semaphore.tryAcquire())
        let task = inTask { try await semaphore.acquire() }
        await waitUntil("the task is listed") { semaphore.waiterCount == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(semaphore.waiterCount == 0)
        try semaphore.release(1)
        #expect(semaphore.value == 1)
        #expect(semaphore.tryAcquire())
    }

    /// A task cancelled before it waits throws without taking a permit.
    @Test(arguments: SemaphoreKind.allCases)
    func alreadyCancelledTaskThrows(_ kind: SemaphoreKind) async throws {
        let semaphore = try kind.make(1)
        let gate = try Threading.Semaphore(0)
        let task = inTask {
            try await gate.acquire()
            try await semaphore.acquire()
        }
        task.cancel()
        try gate.release()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(semaphore.value == 1)
    }

    /// Cancellations racing releases: each released permit ends with exactly one task or
    /// stays free.
    @Test(arguments: SemaphoreKind.allCases)
    func cancellationRacingReleasesLosesNothing(_ kind: SemaphoreKind) async throws {
        let taskCount = 50
        let semaphore = try kind.make(taskCount)
        for _ in 0..<taskCount { #expect(semaphore.tryAcquire()) }
        let tasks = (0..<taskCount).map { _ in
            inTask { () -> Bool in
                do {
                    try await semaphore.acquire()
                    return true
                } catch {
                    return false
                }
            }
        }
        await waitUntil("every task is listed") { semaphore.waiterCount == taskCount }
        let releaser = try spawn { for _ in 0..<taskCount / 2 { try semaphore.release(1) } }
        for task in tasks { task.cancel() }
        var acquired = 0
        for task in tasks where await task.value { acquired += 1 }
        try joinAll([releaser])
        #expect(acquired + semaphore.value == taskCount / 2)
        #expect(semaphore.waiterCount == 0)
    }

    // MARK: stress

    /// 8 threads × 100,000 increments under `Semaphore(1)`: nothing lost.
    @Test(arguments: SemaphoreKind.allCases)
    func stressAsMutex(_ kind: SemaphoreKind) throws {
        let semaphore = try kind.make(1)
        let perThread = Stress.size(100_000)
        let total = Unguarded(0)
        let threads = try (0..<8).map { _ in
            try spawn {
                for _ in 0..<perThread {
                    semaphore.acquire()
                    total.value += 1
                    try semaphore.release(1)
                }
            }
        }
        try joinAll(threads)
        semaphore.acquire()
        #expect(total.value == 8 * perThread)
    }

    @Test func unboundedReleaseRaisesTheValue() throws {
        let semaphore = try Threading.Semaphore(1)
        try semaphore.release()
        #expect(semaphore.value == 2)
        semaphore.acquire()
        semaphore.acquire()
        #expect(!semaphore.tryAcquire())
        try semaphore.release(3)
        #expect(semaphore.description == "<Semaphore value=3>")
    }

    @Test func releaseOverflowThrows() throws {
        let semaphore = try Threading.Semaphore(Int.max)
        #expect(throws: ThreadingError.self) { try semaphore.release() }
        #expect(semaphore.value == Int.max)
    }
}
