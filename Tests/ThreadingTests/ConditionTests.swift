import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// CPython lock_tests.py ConditionTests, FIFO wake-ups, and every error of `Condition`.
@Suite(.hangGuard)
struct ConditionTests {
    /// Starts a thread that waits on `condition` and, once notified, records `tag` and
    /// signals `woke`. Returns when the thread is listed as a waiter: it signals while
    /// holding the lock, so the caller gets the lock only once `wait` has released it.
    func startWaiter(
        _ condition: Condition, tag: Int, into recorder: Recorder<Int>, woke: Threading.Semaphore
    ) throws -> OSThread {
        let ready = Event()
        let thread = try spawn {
            try condition.withLock {
                ready.set()
                try condition.wait()
                recorder.append(tag)
            }
            try woke.release()
        }
        #expect(try ready.wait(timeout: Delay.bound))
        condition.withLock {}  // the waiter has released the lock inside `wait`
        return thread
    }

    @Test func defaultLockIsReentrant() throws {
        let condition = Condition()
        condition.acquire()
        condition.acquire()
        try condition.release()
        try condition.release()
        #expect(condition.lock is RLock)
    }

    /// lock_tests.py test_acquire: the condition's acquire/release act on its lock.
    @Test func acquireActsOnTheLock() throws {
        let lock = Lock()
        let condition = Condition(lock)
        condition.acquire()
        #expect(!lock.tryAcquire())
        try condition.release()
        #expect(lock.tryAcquire())
        #expect(!condition.tryAcquire())
        try lock.release()
        condition.withLock { #expect(lock.isLocked) }
        #expect(!lock.isLocked)
    }

    @Test(arguments: [false, true])
    func waitUnacquiredThrowsNotOwner(overLock: Bool) {
        let condition = overLock ? Condition(Lock()) : Condition()
        #expect(throws: ThreadingError.notOwner) { try condition.wait() }
        #expect(throws: ThreadingError.notOwner) { _ = try condition.wait(timeout: Delay.short) }
        #expect(throws: ThreadingError.notOwner) { try condition.wait(until: { true }) }
        #expect(throws: ThreadingError.notOwner) {
            _ = try condition.wait(until: { true }, timeout: Delay.short)
        }
    }

    @Test(arguments: [false, true])
    func notifyUnacquiredThrowsNotOwner(overLock: Bool) {
        let condition = overLock ? Condition(Lock()) : Condition()
        #expect(throws: ThreadingError.notOwner) { try condition.notify() }
        #expect(throws: ThreadingError.notOwner) { try condition.notify(3) }
        #expect(throws: ThreadingError.notOwner) { try condition.notifyAll() }
    }

    /// An RLock held by another thread is not owned by the caller.
    @Test func notifyFromAThreadNotHoldingTheRLockThrows() throws {
        let condition = Condition()
        condition.acquire()
        let error = StateLock<ThreadingError?>(nil)
        let other = try spawn {
            do { try condition.notify() } catch let caught as ThreadingError {
                error.withLock { $0 = caught }
            }
        }
        try joinAll([other])
        #expect(error.withLock { $0 } == .notOwner)
        try condition.release()
    }

    @Test func negativeNotifyThrowsInvalidArgument() throws {
        let condition = Condition()
        try condition.withLock {
            #expect(throws: ThreadingError.self) { try condition.notify(-1) }
            try condition.notify(0)  // a no-op, as in Python
        }
    }

    @Test func negativeTimeoutThrowsInvalidArgument() throws {
        let condition = Condition()
        condition.withLock {
            #expect(throws: ThreadingError.self) { _ = try condition.wait(timeout: .seconds(-1)) }
            #expect(throws: ThreadingError.self) {
                _ = try condition.wait(until: { false }, timeout: .seconds(-1))
            }
            #expect(condition.lock._isOwned())
        }
    }

    /// lock_tests.py test_timeout: a wait nobody notifies returns false after the timeout,
    /// holding the lock again.
    @Test(arguments: [false, true])
    func timeoutReturnsFalseAndReacquires(overLock: Bool) throws {
        let condition = overLock ? Condition(Lock()) : Condition()
        try condition.withLock { () throws in
            let start = ContinuousClock.now
            #expect(try !condition.wait(timeout: Delay.short))
            #expect(ContinuousClock.now - start >= Delay.short)
            #expect(condition._isOwned())
            #expect(try !condition.wait(timeout: .zero))
            #expect(condition.waiterCount == 0)  // the timed-out waiter withdrew
        }
    }

    /// `wait` releases an RLock held several times, and restores the count.
    @Test func waitReleasesAnRLockCompletely() throws {
        let lock = RLock()
        let condition = Condition(lock)
        let ready = Event()
        let done = Event()
        let waiter = try spawn {
            lock.acquire()
            lock.acquire()
            lock.acquire()
            ready.set()
            try condition.wait()
            #expect(lock.recursionCount == 3)
            for _ in 0..<3 { try lock.release() }
            done.set()
        }
        #expect(try ready.wait(timeout: Delay.bound))
        try condition.withLock {
            try condition.notify()
        }
        #expect(try done.wait(timeout: Delay.bound))
        try joinAll([waiter])
        #expect(!lock.isLocked)
    }

    /// `notify(n)` wakes exactly the n oldest waiters, `notifyAll` the rest (lock_tests.py
    /// _check_notify, with the order checked as well).
    @Test(arguments: [false, true])
    func notifyWakesExactlyTheOldest(overLock: Bool) throws {
        let condition = overLock ? Condition(Lock()) : Condition()
        let recorder = Recorder<Int>()
        let woke = try Threading.Semaphore(0)
        var threads: [OSThread] = []
        for tag in 0..<5 {
            threads.append(try startWaiter(condition, tag: tag, into: recorder, woke: woke))
        }
        #expect(condition.waiterCount == 5)

        try condition.withLock { try condition.notify(2) }
        #expect(try woke.acquire(timeout: Delay.bound))
        #expect(try woke.acquire(timeout: Delay.bound))
        #expect(try !woke.acquire(timeout: Delay.settle))  // no third
        // The two woken race for the lock, so they may record in either order.
        #expect(recorder.all.sorted() == [0, 1])
        #expect(condition.waiterCount == 3)

        try condition.withLock { try condition.notify() }
        #expect(try woke.acquire(timeout: Delay.bound))
        #expect(try !woke.acquire(timeout: Delay.settle))
        #expect(recorder.all.last == 2)

        try condition.withLock { try condition.notifyAll() }
        for _ in 0..<2 { #expect(try woke.acquire(timeout: Delay.bound)) }
        try joinAll(threads)
        #expect(recorder.all.sorted() == [0, 1, 2, 3, 4])
        #expect(recorder.all.prefix(3).sorted() == [0, 1, 2])
        #expect(condition.waiterCount == 0)
    }

    /// notify(n) with more than are waiting wakes all of them; with none waiting it does
    /// nothing and is not remembered.
    @Test func notifyWithoutWaitersIsNotRemembered() throws {
        let condition = Condition()
        try condition.withLock { () throws in
            try condition.notify(5)
            try condition.notifyAll()
            #expect(try !condition.wait(timeout: Delay.short))
        }
    }

    /// A waiter woken returns true from the timed form.
    @Test func timedWaitReturnsTrueWhenNotified() throws {
        let condition = Condition()
        let ready = Event()
        let result = StateLock<Bool?>(nil)
        let waiter = try spawn {
            try condition.withLock {
                ready.set()
                let got = try condition.wait(timeout: Delay.bound)
                result.withLock { $0 = got }
            }
        }
        #expect(try ready.wait(timeout: Delay.bound))
        try condition.withLock { try condition.notify() }
        try joinAll([waiter])
        #expect(result.withLock { $0 } == true)
    }

    /// lock_tests.py test_waitfor: the predicate is re-checked on each notification.
    @Test func waitUntilPredicate() throws {
        let condition = Condition()
        let state = Unguarded(0)
        let seen = StateLock(-1)
        let waiter = try spawn {
            try condition.withLock {
                try condition.wait(until: { state.value == 4 })
                seen.withLock { $0 = state.value }
            }
        }
        for _ in 0..<4 {
            try condition.withLock {
                state.value += 1
                try condition.notify()
            }
        }
        try joinAll([waiter])
        #expect(seen.withLock { $0 } == 4)
    }

    /// lock_tests.py test_waitfor_timeout: a predicate that never holds ends with false
    /// after the timeout.
    @Test func waitUntilPredicateTimesOut() throws {
        let condition = Condition()
        let state = Unguarded(0)
        let outcome = StateLock<(Bool, Duration)?>(nil)
        let ready = Event()
        let waiter = try spawn {
            try condition.withLock {
                ready.set()
                let start = ContinuousClock.now
                let result = try condition.wait(until: { state.value == 4 }, timeout: .milliseconds(100))
                outcome.withLock { $0 = (result, ContinuousClock.now - start) }
            }
        }
        #expect(try ready.wait(timeout: Delay.bound))
        for _ in 0..<3 {
            try condition.withLock {
                state.value += 1
                try condition.notify()
            }
        }
        try joinAll([waiter])
        let (result, elapsed) = try #require(outcome.withLock { $0 })
        #expect(!result)
        #expect(elapsed >= .milliseconds(100))
    }

    @Test func waitUntilTrueReturnsAtOnce() throws {
        let condition = Condition()
        try condition.withLock { () throws in
            try condition.wait(until: { true })
            #expect(try condition.wait(until: { true }, timeout: .zero))
            #expect(try !condition.wait(until: { false }, timeout: .zero))
        }
    }

    /// A `Lock` released by another thread under a would-be waiter: `wait` throws, and a
    /// notification is not lost.
    @Test func waitOverAnUnlockedLockThrows() throws {
        let lock = Lock()
        let condition = Condition(lock)
        #expect(throws: ThreadingError.notOwner) { try condition.wait() }
        #expect(!lock.isLocked)
    }

    /// A lock whose release fails although it claims to be held: `wait` throws that error
    /// without waiting and leaves no waiter behind.
    @Test func waitRethrowsTheLocksReleaseError() throws {
        final class StubbornLock: Lockable {
            func acquire() {}
            func tryAcquire() -> Bool { true }
            func acquire(timeout: Duration) throws -> Bool { true }
            func release() throws { throw ThreadingError.releaseUnlocked }
            func _isOwned() -> Bool { true }
        }
        let condition = Condition(StubbornLock())
        #expect(throws: ThreadingError.releaseUnlocked) { try condition.wait() }
        #expect(condition.waiterCount == 0)
    }

    /// Producer–consumer hand-off over many rounds: nothing lost, nothing duplicated.
    @Test(arguments: [false, true])
    func producerConsumer(overLock: Bool) throws {
        let condition = overLock ? Condition(Lock()) : Condition()
        let rounds = Stress.size(10_000)
        let buffer = Unguarded(0)  // items available
        let consumed = Unguarded(0)
        let consumers = try (0..<2).map { _ in
            try spawn {
                while true {
                    let stop = try condition.withLock { () -> Bool in
                        try condition.wait(until: { buffer.value > 0 || consumed.value == rounds })
                        if consumed.value == rounds { return true }
                        buffer.value -= 1
                        consumed.value += 1
                        if consumed.value == rounds { try condition.notifyAll() }
                        return false
                    }
                    if stop { return }
                }
            }
        }
        for _ in 0..<rounds {
            try condition.withLock {
                buffer.value += 1
                try condition.notify()
            }
        }
        try joinAll(consumers)
        condition.withLock {
            #expect(consumed.value == rounds)
            #expect(buffer.value == 0)
        }
    }

    @Test func description() {
        #expect(Condition(Lock(name: "L")).description == "<Condition(<Lock L unlocked>, 0)>")
    }
}
