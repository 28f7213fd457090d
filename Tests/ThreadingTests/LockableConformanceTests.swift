import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// Every lock-like of the package, for the common contract (CPython lock_tests.py
/// BaseLockTests).
enum LockKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case lock
    case rlock
    case conditionOverLock
    case conditionOverRLock

    func make() -> any Lockable {
        switch self {
        case .lock: Lock()
        case .rlock: RLock()
        case .conditionOverLock: Condition(Lock())
        case .conditionOverRLock: Condition()
        }
    }

    var testDescription: String { rawValue }
}

/// The `Lockable` contract, run over `Lock`, `RLock` and `Condition` (over both).
@Suite(.hangGuard)
struct LockableConformanceTests {
    @Test(arguments: LockKind.allCases)
    func acquireRelease(_ kind: LockKind) throws {
        let lock = kind.make()
        lock.acquire()
        try lock.release()
        lock.acquire()
        try lock.release()
    }

    @Test(arguments: LockKind.allCases)
    func tryAcquire(_ kind: LockKind) throws {
        let lock = kind.make()
        #expect(lock.tryAcquire())
        try lock.release()
    }

    /// A lock held by one thread cannot be taken without waiting by another.
    @Test(arguments: LockKind.allCases)
    func tryAcquireContended(_ kind: LockKind) throws {
        let lock = kind.make()
        lock.acquire()
        let got = Mutex<Bool?>(nil)
        let other = try spawn { got.withLock { $0 = lock.tryAcquire() } }
        try joinAll([other])
        #expect(got.withLock { $0 } == false)
        try lock.release()
    }

    /// A contended acquire blocks until the holder releases.
    @Test(arguments: LockKind.allCases)
    func acquireContended(_ kind: LockKind) throws {
        let lock = kind.make()
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
        #expect(lock.tryAcquire())
        try lock.release()
    }

    /// `withLock` releases however the body ends.
    @Test(arguments: LockKind.allCases)
    func withLockReleases(_ kind: LockKind) throws {
        struct Boom: Error {}
        let lock = kind.make()
        #expect(lock.withLock { 42 } == 42)
        #expect(throws: Boom.self) { try lock.withLock { throw Boom() } }
        let free = Mutex<Bool?>(nil)
        let other = try spawn {
            let got = lock.tryAcquire()
            free.withLock { $0 = got }
            if got { try lock.release() }
        }
        try joinAll([other])
        #expect(free.withLock { $0 } == true)
    }

    /// lock_tests.py test_thread_leak: many threads in turn, nothing left behind.
    @Test(arguments: LockKind.allCases)
    func manyThreadsInTurn(_ kind: LockKind) throws {
        let lock = kind.make()
        let counter = Unguarded(0)
        var threads: [OSThread] = []
        for _ in 0..<15 {
            threads.append(try spawn { lock.withLock { counter.value += 1 } })
        }
        try joinAll(threads)
        #expect(lock.withLock { counter.value } == 15)
    }

    /// lock_tests.py test_timeout: a timed acquire of a held lock gives up after the
    /// timeout with `false`, and the lock's state is unchanged.
    @Test(arguments: LockKind.allCases)
    func timeout(_ kind: LockKind) throws {
        let lock = kind.make()
        lock.acquire()
        let result = Mutex<(Bool, Duration)?>(nil)
        let other = try spawn {
            let start = ContinuousClock.now
            let zero = try lock.acquire(timeout: .zero)
            let short = try lock.acquire(timeout: Delay.short)
            result.withLock { $0 = (zero || short, ContinuousClock.now - start) }
        }
        try joinAll([other])
        let (got, elapsed) = try #require(result.withLock { $0 })
        #expect(!got)
        #expect(elapsed >= Delay.short)
        try lock.release()
        #expect(try lock.acquire(timeout: .zero))
        try lock.release()
    }

    @Test(arguments: LockKind.allCases)
    func negativeTimeoutThrows(_ kind: LockKind) {
        let lock = kind.make()
        #expect(throws: ThreadingError.self) { _ = try lock.acquire(timeout: .milliseconds(-1)) }
    }

    @Test(arguments: LockKind.allCases)
    func hugeTimeout(_ kind: LockKind) throws {
        let lock = kind.make()
        #expect(try lock.acquire(timeout: .seconds(Int64.max)))
        try lock.release()
    }

    /// Releasing a lock nobody holds throws (`.releaseUnlocked` for `Lock`, `.notOwner`
    /// for an owned lock) and leaves it usable.
    @Test(arguments: LockKind.allCases)
    func releaseUnlockedThrows(_ kind: LockKind) throws {
        let lock = kind.make()
        #expect(throws: ThreadingError.self) { try lock.release() }
        #expect(lock.tryAcquire())
        try lock.release()
    }

    /// The Condition-support hooks: owned while held, released and restored fully.
    @Test(arguments: LockKind.allCases)
    func releaseSaveAcquireRestore(_ kind: LockKind) throws {
        let lock = kind.make()
        #expect(!lock._isOwned())
        lock.acquire()
        #expect(lock._isOwned())
        let saved = try lock._releaseSave()
        #expect(!lock._isOwned())
        lock._acquireRestore(saved)
        #expect(lock._isOwned())
        try lock.release()
        #expect(!lock._isOwned())
    }

    /// Mutual exclusion under contention: 4 threads × 20,000 increments.
    @Test(arguments: LockKind.allCases)
    func mutualExclusion(_ kind: LockKind) throws {
        let lock = kind.make()
        let perThread = Stress.size(20_000)
        let total = Unguarded(0)
        var threads: [OSThread] = []
        for _ in 0..<4 {
            threads.append(try spawn { for _ in 0..<perThread { lock.withLock { total.value += 1 } } })
        }
        try joinAll(threads)
        #expect(lock.withLock { total.value } == 4 * perThread)
    }
}
