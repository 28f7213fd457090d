import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

@Suite(.hangGuard)
struct LockTests {
    @Test func acquireAndRelease() throws {
        let lock = Lock()
        #expect(!lock.isLocked)
        lock.acquire()
        #expect(lock.isLocked)
        try lock.release()
        #expect(!lock.isLocked)
    }

    @Test func tryAcquireFailsWhileHeld() throws {
        let lock = Lock()
        #expect(lock.tryAcquire())
        #expect(!lock.tryAcquire())
        try lock.release()
        #expect(lock.tryAcquire())
        try lock.release()
    }

    @Test func releaseUnlockedThrows() {
        let lock = Lock()
        #expect(throws: ThreadingError.releaseUnlocked) { try lock.release() }
    }

    @Test func negativeTimeoutThrows() {
        let lock = Lock()
        #expect(throws: ThreadingError.self) { _ = try lock.acquire(timeout: .seconds(-1)) }
    }

    @Test func timedAcquireTimesOutAndLeavesLockHeld() throws {
        let lock = Lock()
        lock.acquire()
        let start = ContinuousClock.now
        #expect(try !lock.acquire(timeout: Delay.short))
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(lock.isLocked)
        try lock.release()
        #expect(try lock.acquire(timeout: .zero))
        try lock.release()
    }

    @Test func hugeTimeoutDoesNotTrap() throws {
        let lock = Lock()
        #expect(try lock.acquire(timeout: .seconds(Int64.max)))
        try lock.release()
    }

    /// lock_tests.py: a contended acquire blocks until another thread releases.
    @Test func contendedAcquireBlocksUntilRelease() throws {
        let lock = Lock()
        lock.acquire()
        let acquired = Event()
        let waiter = try spawn {
            lock.acquire()
            acquired.set()
            try lock.release()
        }
        #expect(try !acquired.wait(timeout: Delay.settle))  // still blocked
        try lock.release()
        #expect(try acquired.wait(timeout: Delay.bound))
        try joinAll([waiter])
    }

    /// lock_tests.py test_thread_leak / different_thread: another thread may release.
    @Test func anotherThreadMayRelease() throws {
        let lock = Lock()
        lock.acquire()
        let releaser = try spawn { try lock.release() }
        try joinAll([releaser])
        #expect(!lock.isLocked)
    }

    @Test func withLockReleasesOnThrow() {
        struct Boom: Error {}
        let lock = Lock()
        #expect(throws: Boom.self) { try lock.withLock { throw Boom() } }
        #expect(!lock.isLocked)
    }

    @Test func timedAcquireSucceedsWhenReleasedInTime() throws {
        let lock = Lock()
        lock.acquire()
        let result = Mutex<Bool?>(nil)
        let waiter = try spawn { result.withLock { $0 = try? lock.acquire(timeout: Delay.bound) } }
        #expect(try !waiter.join(timeout: Delay.settle))
        try lock.release()
        try joinAll([waiter])
        #expect(result.withLock { $0 } == true)
    }

    @Test func stressNothingLost() throws {
        let lock = Lock()
        let perThread = Stress.size(100_000)
        let threadCount = 8
        let total = Unguarded(0)
        var threads: [OSThread] = []
        for _ in 0..<threadCount {
            threads.append(
                try spawn {
                    for _ in 0..<perThread { lock.withLock { total.value += 1 } }
                })
        }
        try joinAll(threads)
        #expect(total.value == perThread * threadCount)
    }
}
