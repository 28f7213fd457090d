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
        // The release's decrement was undone: the lock works as before.
        #expect(!lock.isLocked)
        #expect(lock.tryAcquire())
        #expect(!lock.tryAcquire())
        #expect(throws: Never.self) { try lock.release() }
    }

    /// The futex word's unlock (a decrement, mutex 3) from each state, without threads:
    /// 1 unlocks; 2 unlocks (and would wake a sleeper); 0 is put back and reported.
    @Test func theWordsUnlockFromEveryState() {
        for (start, wasLocked) in [(UInt32(1), true), (2, true), (0, false)] {
            let word = FutexWord(start)
            #expect(word.mutexUnlock() == wasLocked, "from \(start)")
            #expect(word.load() == 0, "from \(start)")
        }
    }

    /// One thread releases over and over while two others take the lock with timed
    /// acquisitions and never release it themselves (any thread may release a `Lock`).
    /// The releases that find it free throw, their decrement undone, while acquirers may
    /// be marking the word to sleep; every hold is ended by exactly one successful
    /// release, no acquirer is left asleep on the transient word, and the lock ends free.
    @Test func releasesOfAFreeLockAmongAcquirersEndEachHoldOnce() throws {
        let lock = Lock()
        let acquired = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        let acquirers = try (0..<2).map { _ in
            try spawn {
                while !finished.load(ordering: .relaxed) {
                    if try lock.acquire(timeout: Delay.short) { acquired.add(1, ordering: .relaxed) }
                }
            }
        }
        // Without an acquirer on a core before the releases end, nothing is held.
        waitUntil("an acquirer holds the lock") { lock.isLocked }
        var released = 0
        for _ in 0..<Stress.size(50_000) where (try? lock.release()) != nil { released += 1 }
        finished.store(true, ordering: .relaxed)
        try joinAll(acquirers)
        if lock.isLocked {
            try lock.release()
            released += 1
        }
        #expect(released == acquired.load(ordering: .relaxed))
        #expect(released > 0)
        #expect(!lock.isLocked)
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
