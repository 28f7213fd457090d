import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// CPython lock_tests.py BarrierTests, and every error of `Barrier`.
@Suite(.hangGuard)
struct BarrierTests {
    static let parties = 5

    /// Runs `body` on `parties` threads and joins them.
    func runThreads(_ count: Int = parties, _ body: @escaping @Sendable () throws -> Void) throws {
        let threads = try (0..<count).map { _ in try spawn(body) }
        try joinAll(threads)
    }

    @Test func partiesBelowOneThrow() {
        #expect(throws: ThreadingError.self) { _ = try Barrier(parties: 0) }
        #expect(throws: ThreadingError.self) { _ = try Barrier(parties: -1) }
        #expect(throws: ThreadingError.self) { _ = try Barrier(parties: 2, timeout: .seconds(-1)) }
    }

    @Test func negativeWaitTimeoutThrows() throws {
        let barrier = try Barrier(parties: 2)
        #expect(throws: ThreadingError.self) { _ = try barrier.wait(timeout: .seconds(-1)) }
        #expect(!barrier.isBroken)
        #expect(barrier.waitingCount == 0)
    }

    /// lock_tests.py test_barrier / test_barrier_10: parties pass in lockstep, many times.
    @Test(arguments: [1, 10])
    func lockstep(passes: Int) throws {
        let barrier = try Barrier(parties: Self.parties, timeout: Delay.bound)
        let before = Counter()
        let after = Counter()
        let failures = Counter()
        try runThreads {
            for pass in 0..<passes {
                before.increment()
                if after.count != pass * Self.parties { failures.increment() }
                _ = try barrier.wait()
                after.increment()
                if before.count != (pass + 1) * Self.parties { failures.increment() }
                _ = try barrier.wait()
            }
        }
        #expect(failures.count == 0)
        #expect(after.count == passes * Self.parties)
        #expect(barrier.waitingCount == 0)
        #expect(!barrier.isBroken)
    }

    /// lock_tests.py test_wait_return: the arrival indices are 0..<parties, each once.
    @Test func indicesAreDistinct() throws {
        let barrier = try Barrier(parties: Self.parties)
        let indices = Recorder<Int>()
        try runThreads { indices.append(try barrier.wait()) }
        #expect(indices.all.sorted() == Array(0..<Self.parties))
    }

    /// The index is the arrival order; the last to arrive gets parties - 1.
    @Test func indexIsArrivalOrder() throws {
        let barrier = try Barrier(parties: 3)
        let indices = StateLock<[Int: Int]>([:])
        var threads: [OSThread] = []
        for tag in 0..<2 {
            threads.append(
                try spawn {
                    let i = try barrier.wait()
                    indices.withLock { $0[tag] = i }
                })
            waitUntil("party \(tag) waits") { barrier.waitingCount == tag + 1 }
        }
        #expect(try barrier.wait() == 2)
        try joinAll(threads)
        #expect(indices.withLock { $0 } == [0: 0, 1: 1])
    }

    /// lock_tests.py test_action: the action runs once, before anyone is released.
    @Test func actionRunsOnceBeforeRelease() throws {
        let runs = Counter()
        let barrier = try Barrier(parties: Self.parties) { runs.increment() }
        let seen = Recorder<Int>()
        try runThreads {
            _ = try barrier.wait()
            seen.append(runs.count)
        }
        #expect(runs.count == 1)
        #expect(seen.all == Array(repeating: 1, count: Self.parties))
    }

    /// The action runs on the last thread to arrive.
    @Test func actionRunsOnTheLastArriver() throws {
        let actionThread = StateLock<String?>(nil)
        let barrier = try Barrier(parties: 2) {
            actionThread.withLock { $0 = OSThread.current.name }
        }
        let first = try spawn(name: "first") { _ = try barrier.wait() }
        waitUntil("the first party waits") { barrier.waitingCount == 1 }
        let last = try spawn(name: "last") { _ = try barrier.wait() }
        try joinAll([first, last])
        #expect(actionThread.withLock { $0 } == "last")
    }

    /// lock_tests.py test_abort: abort breaks the barrier for waiting and later parties.
    @Test func abortBreaksWaitersAndLaterArrivals() throws {
        let barrier = try Barrier(parties: Self.parties, timeout: Delay.bound)
        let passedSecond = Counter()
        let broken = Counter()
        try runThreads {
            do {
                let index = try barrier.wait()
                if index == Self.parties / 2 {
                    waitUntil("the others wait") { barrier.waitingCount == Self.parties - 1 }
                    barrier.abort()
                    return
                }
                _ = try barrier.wait()
                passedSecond.increment()
            } catch is BrokenBarrierError {
                broken.increment()
            }
        }
        #expect(passedSecond.count == 0)
        #expect(broken.count == Self.parties - 1)
        #expect(barrier.isBroken)
        #expect(throws: BrokenBarrierError.self) { _ = try barrier.wait() }
        #expect(barrier.waitingCount == 0)
    }

    /// lock_tests.py test_reset: reset frees the waiters (with BrokenBarrierError) and the
    /// barrier works again at once.
    @Test func resetFreesWaitersAndRepairs() throws {
        let barrier = try Barrier(parties: Self.parties, timeout: Delay.bound)
        let passedSecond = Counter()
        let broken = Counter()
        let passedThird = Counter()
        try runThreads {
            let index = try barrier.wait()
            if index == Self.parties / 2 {
                waitUntil("the others wait") { barrier.waitingCount == Self.parties - 1 }
                barrier.reset()
            } else {
                do {
                    _ = try barrier.wait()
                    passedSecond.increment()
                } catch is BrokenBarrierError {
                    broken.increment()
                }
            }
            _ = try barrier.wait()
            passedThird.increment()
        }
        #expect(passedSecond.count == 0)
        #expect(broken.count == Self.parties - 1)
        #expect(passedThird.count == Self.parties)
        #expect(!barrier.isBroken)
    }

    /// lock_tests.py test_abort_and_reset: a broken barrier can be reset and reused.
    @Test func abortThenResetWorks() throws {
        let barrier = try Barrier(parties: Self.parties, timeout: Delay.bound)
        let sync = try Barrier(parties: Self.parties, timeout: Delay.bound)
        let passedSecond = Counter()
        let broken = Counter()
        let passedThird = Counter()
        try runThreads {
            do {
                let index = try barrier.wait()
                if index == Self.parties / 2 {
                    waitUntil("the others wait") { barrier.waitingCount == Self.parties - 1 }
                    barrier.abort()
                } else {
                    _ = try barrier.wait()
                    passedSecond.increment()
                }
            } catch is BrokenBarrierError {
                broken.increment()
            }
            // Everyone has left the barrier before the reset, and no one enters before it.
            if try sync.wait() == Self.parties / 2 { barrier.reset() }
            _ = try sync.wait()
            _ = try barrier.wait()
            passedThird.increment()
        }
        #expect(passedSecond.count == 0)
        #expect(broken.count == Self.parties - 1)
        #expect(passedThird.count == Self.parties)
    }

    /// lock_tests.py test_timeout: a party that times out breaks the barrier for all.
    @Test func timeoutBreaksTheBarrier() throws {
        let barrier = try Barrier(parties: 3)
        let outcomes = Recorder<String>()
        let waiter = try spawn {
            do {
                _ = try barrier.wait()
                outcomes.append("passed")
            } catch is BrokenBarrierError {
                outcomes.append("broken")
            }
        }
        waitUntil("one party waits") { barrier.waitingCount == 1 }
        let start = ContinuousClock.now
        #expect(throws: BrokenBarrierError.self) { _ = try barrier.wait(timeout: Delay.short) }
        #expect(ContinuousClock.now - start >= Delay.short)
        try joinAll([waiter])
        #expect(outcomes.all == ["broken"])
        #expect(barrier.isBroken)
        #expect(barrier.waitingCount == 0)
        barrier.reset()
        #expect(!barrier.isBroken)
    }

    /// `wait(timeout:)` passes when the other parties come in time, overriding the default.
    @Test func timedWaitPassesInTime() throws {
        let barrier = try Barrier(parties: 2, timeout: .zero)
        let index = StateLock<Int?>(nil)
        let first = try spawn {
            let i = try barrier.wait(timeout: Delay.bound)
            index.withLock { $0 = i }
        }
        waitUntil("the first party waits") { barrier.waitingCount == 1 }
        #expect(try barrier.wait(timeout: Delay.bound) == 1)
        try joinAll([first])
        #expect(index.withLock { $0 } == 0)
        #expect(!barrier.isBroken)
    }

    /// lock_tests.py test_default_timeout: the init's timeout applies to `wait()`.
    @Test func defaultTimeoutApplies() throws {
        let barrier = try Barrier(parties: 2, timeout: .milliseconds(100))
        let start = ContinuousClock.now
        #expect(throws: BrokenBarrierError.self) { _ = try barrier.wait() }
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        #expect(barrier.isBroken)
    }

    @Test func zeroTimeoutBreaksUnlessLast() throws {
        let barrier = try Barrier(parties: 2)
        #expect(throws: BrokenBarrierError.self) { _ = try barrier.wait(timeout: .zero) }
        #expect(barrier.isBroken)
        barrier.reset()
        let single = try Barrier(parties: 1)
        #expect(try single.wait(timeout: .zero) == 0)
    }

    /// lock_tests.py test_single_thread.
    @Test func singleParty() throws {
        let runs = Counter()
        let barrier = try Barrier(parties: 1) { runs.increment() }
        #expect(try barrier.wait() == 0)
        #expect(try barrier.wait() == 0)
        #expect(runs.count == 2)
    }

    /// A thread arriving while the action runs joins the next generation, and actions
    /// never overlap.
    @Test func arrivalDuringActionJoinsTheNextGeneration() throws {
        let inAction = Event()
        let finishAction = Event()
        let actionRuns = Counter()
        let barrier = try Barrier(parties: 2) {
            actionRuns.increment()
            if actionRuns.count == 1 {
                inAction.set()
                finishAction.wait()
            }
        }
        let indices = Recorder<Int>()
        let first = try spawn { indices.append(try barrier.wait()) }
        let second = try spawn { indices.append(try barrier.wait()) }
        #expect(try inAction.wait(timeout: Delay.bound))
        #expect(barrier.waitingCount == 0)
        let third = try spawn { indices.append(try barrier.wait()) }
        let fourth = try spawn { indices.append(try barrier.wait()) }
        #expect(try !third.join(timeout: Delay.short))  // waits for the action to finish
        finishAction.set()
        try joinAll([first, second, third, fourth])
        #expect(indices.all.sorted() == [0, 0, 1, 1])
        #expect(actionRuns.count == 2)
    }

    /// Abort while the action runs: the tripped generation still passes; the barrier is
    /// broken afterwards.
    @Test func abortDuringActionBreaksAfterIt() throws {
        let inAction = Event()
        let finishAction = Event()
        let barrier = try Barrier(parties: 2) {
            inAction.set()
            finishAction.wait()
        }
        let passed = Counter()
        let threads = try (0..<2).map { _ in
            try spawn {
                _ = try barrier.wait()
                passed.increment()
            }
        }
        #expect(try inAction.wait(timeout: Delay.bound))
        barrier.abort()
        #expect(barrier.isBroken)
        finishAction.set()
        try joinAll(threads)
        #expect(passed.count == 2)
        #expect(barrier.isBroken)
        #expect(throws: BrokenBarrierError.self) { _ = try barrier.wait(timeout: .zero) }
    }

    @Test func descriptionShowsWaitersOrBroken() throws {
        let barrier = try Barrier(parties: 3)
        #expect(barrier.description == "<Barrier waiters=0/3>")
        #expect(barrier.parties == 3)
        barrier.abort()
        #expect(barrier.description == "<Barrier broken>")
    }

    /// Many generations with more threads than parties: every wait passes, each index
    /// comes up equally often.
    @Test func stressManyGenerations() throws {
        let rounds = Stress.size(2_000)
        let barrier = try Barrier(parties: 4, timeout: Delay.bound)
        let actions = Counter()
        let counts = StateLock([Int](repeating: 0, count: 4))
        let tripping = try Barrier(parties: 4) { actions.increment() }
        try runThreads(4) {
            for _ in 0..<rounds {
                let index = try barrier.wait()
                counts.withLock { $0[index] += 1 }
                _ = try tripping.wait()
            }
        }
        #expect(counts.withLock { $0 } == Array(repeating: rounds, count: 4))
        #expect(actions.count == rounds)
    }
}
