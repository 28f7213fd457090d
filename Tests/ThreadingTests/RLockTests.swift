import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// CPython lock_tests.py RLockTests, plus every error of `RLock`.
@Suite(.hangGuard)
struct RLockTests {
    @Test func reacquireCountsRecursion() throws {
        let lock = RLock()
        #expect(lock.recursionCount == 0)
        lock.acquire()
        lock.acquire()
        #expect(lock.recursionCount == 2)
        try lock.release()
        lock.acquire()
        lock.acquire()
        #expect(lock.recursionCount == 3)
        try lock.release()
        try lock.release()
        #expect(lock.isLocked)
        try lock.release()
        #expect(!lock.isLocked)
        #expect(lock.recursionCount == 0)
    }

    @Test func releaseUnacquiredThrowsNotOwner() throws {
        let lock = RLock()
        #expect(throws: ThreadingError.notOwner) { try lock.release() }
        lock.acquire()
        lock.acquire()
        try lock.release()
        try lock.release()
        #expect(throws: ThreadingError.notOwner) { try lock.release() }
        #expect(!lock.isLocked)
    }

    @Test func releaseFromAnotherThreadThrowsNotOwner() throws {
        let lock = RLock()
        lock.acquire()
        let error = StateLock<ThreadingError?>(nil)
        let other = try spawn {
            do { try lock.release() } catch let caught as ThreadingError { error.withLock { $0 = caught } }
        }
        try joinAll([other])
        #expect(error.withLock { $0 } == .notOwner)
        #expect(lock.isLocked)
        #expect(lock._isOwned())
        try lock.release()
    }

    @Test func releaseSaveUnacquiredThrowsNotOwner() throws {
        let lock = RLock()
        #expect(throws: ThreadingError.notOwner) { _ = try lock._releaseSave() }
        lock.acquire()
        try lock.release()
        #expect(throws: ThreadingError.notOwner) { _ = try lock._releaseSave() }
    }

    @Test func releaseSaveAndAcquireRestoreKeepTheCount() throws {
        let lock = RLock()
        lock.acquire()
        lock.acquire()
        lock.acquire()
        let saved = try lock._releaseSave()
        #expect(saved == 3)
        #expect(!lock.isLocked)
        #expect(!lock._isOwned())
        // Free for another thread while saved.
        let taken = StateLock(false)
        let other = try spawn {
            if lock.tryAcquire() {
                taken.withLock { $0 = true }
                try lock.release()
            }
        }
        try joinAll([other])
        #expect(taken.withLock { $0 })
        lock._acquireRestore(saved)
        #expect(lock.recursionCount == 3)
        for _ in 0..<3 { try lock.release() }
        #expect(!lock.isLocked)
    }

    @Test func isOwnedOnlyForTheOwner() throws {
        let lock = RLock()
        #expect(!lock._isOwned())
        lock.acquire()
        #expect(lock._isOwned())
        lock.acquire()
        let seenElsewhere = StateLock<Bool?>(nil)
        let other = try spawn { seenElsewhere.withLock { $0 = lock._isOwned() } }
        try joinAll([other])
        #expect(seenElsewhere.withLock { $0 } == false)
        try lock.release()
        #expect(lock._isOwned())
        try lock.release()
        #expect(!lock._isOwned())
    }

    /// lock_tests.py test_recursion_count: a thread blocked on the lock does not change
    /// the owner's count, and sees 0 itself.
    @Test func recursionCountWhileAnotherThreadWaits() throws {
        let lock = RLock()
        lock.acquire()
        lock.acquire()
        let acquired = Event()
        let countSeen = StateLock(-1)
        let waiter = try spawn {
            #expect(lock.recursionCount == 0)
            lock.acquire()
            countSeen.withLock { $0 = lock.recursionCount }
            acquired.set()
            try lock.release()
        }
        #expect(try !acquired.wait(timeout: Delay.settle))  // still blocked
        #expect(lock.recursionCount == 2)
        try lock.release()
        #expect(try !acquired.wait(timeout: Delay.short))  // still held once
        try lock.release()
        #expect(try acquired.wait(timeout: Delay.bound))
        try joinAll([waiter])
        #expect(countSeen.withLock { $0 } == 1)
        #expect(lock.recursionCount == 0)
    }

    @Test func tryAcquireIsReentrantAndFailsForOthers() throws {
        let lock = RLock()
        #expect(lock.tryAcquire())
        #expect(lock.tryAcquire())
        #expect(lock.recursionCount == 2)
        let otherGot = StateLock<Bool?>(nil)
        let other = try spawn { otherGot.withLock { $0 = lock.tryAcquire() } }
        try joinAll([other])
        #expect(otherGot.withLock { $0 } == false)
        try lock.release()
        try lock.release()
    }

    @Test func timedAcquireIsReentrantAndTimesOutForOthers() throws {
        let lock = RLock()
        #expect(try lock.acquire(timeout: .zero))
        #expect(try lock.acquire(timeout: Delay.short))
        #expect(lock.recursionCount == 2)
        let result = StateLock<Bool?>(nil)
        let elapsed = StateLock<Duration>(.zero)
        let other = try spawn {
            let start = ContinuousClock.now
            let got = try lock.acquire(timeout: Delay.short)
            elapsed.withLock { $0 = ContinuousClock.now - start }
            result.withLock { $0 = got }
        }
        try joinAll([other])
        #expect(result.withLock { $0 } == false)
        #expect(elapsed.withLock { $0 } >= Delay.short)
        // State after a timed-out acquire: still ours, count unchanged.
        #expect(lock.recursionCount == 2)
        try lock.release()
        try lock.release()
        #expect(!lock.isLocked)
    }

    @Test func timedAcquireSucceedsWhenReleasedInTime() throws {
        let lock = RLock()
        lock.acquire()
        let result = StateLock<Bool?>(nil)
        let waiter = try spawn {
            let got = try lock.acquire(timeout: Delay.bound)
            result.withLock { $0 = got }
            if got { try lock.release() }
        }
        #expect(try !waiter.join(timeout: Delay.settle))
        try lock.release()
        try joinAll([waiter])
        #expect(result.withLock { $0 } == true)
    }

    @Test func negativeTimeoutThrows() {
        let lock = RLock()
        #expect(throws: ThreadingError.self) { _ = try lock.acquire(timeout: .seconds(-1)) }
        #expect(!lock.isLocked)
    }

    @Test func hugeTimeoutDoesNotTrap() throws {
        let lock = RLock()
        #expect(try lock.acquire(timeout: .seconds(Int64.max)))
        try lock.release()
    }

    @Test func nestedWithLock() throws {
        let lock = RLock()
        let value = lock.withLock { lock.withLock { lock.recursionCount } }
        #expect(value == 2)
        #expect(!lock.isLocked)
    }

    @Test func nameAndDescription() {
        #expect(RLock(name: "db").name == "db")
        #expect(RLock(name: "db").description == "<RLock db unlocked>")
    }

    /// 8 threads × 100,000 increments, each under a nested (re-entered) acquisition.
    @Test func stressNothingLost() throws {
        let lock = RLock()
        let perThread = Stress.size(100_000)
        let threadCount = 8
        let total = Unguarded(0)
        var threads: [OSThread] = []
        for _ in 0..<threadCount {
            threads.append(
                try spawn {
                    for i in 0..<perThread {
                        if i % 2 == 0 {
                            lock.withLock { total.value += 1 }
                        } else {
                            lock.withLock { lock.withLock { total.value += 1 } }
                        }
                    }
                })
        }
        try joinAll(threads)
        #expect(total.value == perThread * threadCount)
        #expect(!lock.isLocked)
    }
}
