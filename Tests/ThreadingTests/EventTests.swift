import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The intent of CPython's `lock_tests.EventTests`, and the async twin.
@Suite(.hangGuard)
struct EventTests {
    @Test func setAndClear() {
        let event = Event()
        #expect(!event.isSet)
        event.set()
        #expect(event.isSet)
        event.set()
        #expect(event.isSet)
        event.clear()
        #expect(!event.isSet)
        event.clear()
        #expect(!event.isSet)
    }

    @Test func waitReturnsAtOnceWhenSet() throws {
        let event = Event()
        event.set()
        event.wait()
        #expect(try event.wait(timeout: .zero))
        #expect(try event.wait(timeout: Delay.bound))
    }

    @Test func timeoutForm() throws {
        let event = Event()
        let start = ContinuousClock.now
        #expect(try !event.wait(timeout: Delay.short))
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(try !event.wait(timeout: .zero))
    }

    @Test func negativeTimeoutThrows() {
        let event = Event()
        #expect(throws: ThreadingError.self) { _ = try event.wait(timeout: .milliseconds(-1)) }
        event.set()
        // Even when it would return at once.
        #expect(throws: ThreadingError.self) { _ = try event.wait(timeout: .seconds(-1)) }
    }

    @Test func hugeTimeoutDoesNotTrap() throws {
        let event = Event()
        event.set()
        #expect(try event.wait(timeout: .seconds(Int64.max)))
    }

    /// lock_tests `test_notify`-style: `set` wakes every waiter, blocking and timed.
    @Test func setWakesAllWaiters() throws {
        let event = Event()
        let woken = Counter()
        var threads: [OSThread] = []
        for i in 0..<5 {
            threads.append(
                try spawn {
                    if i.isMultiple(of: 2) {
                        event.wait()
                        woken.increment()
                    } else if try event.wait(timeout: Delay.bound) {
                        woken.increment()
                    }
                })
        }
        waitUntil("all five wait") { event.waitingCount == 5 }
        #expect(try !threads[0].join(timeout: Delay.short))  // still blocked
        #expect(woken.count == 0)
        event.set()
        try joinAll(threads)
        #expect(woken.count == 5)
    }

    /// lock_tests `test_set_and_clear`: a waiter woken by `set()` returns true even if the
    /// flag was cleared before it ran.
    @Test func waitReturnsTrueEvenIfClearedBeforeTheWaiterRan() throws {
        let event = Event()
        let results = StateLock<[Bool]>([])
        var threads: [OSThread] = []
        for _ in 0..<5 {
            threads.append(
                try spawn {
                    let result = try event.wait(timeout: Delay.bound)
                    results.withLock { $0.append(result) }
                })
        }
        // Wait until all five are listed, so the set below is what wakes them.
        waitUntil("all five wait") { event.waitingCount == 5 }
        event.set()
        event.clear()
        try joinAll(threads)
        #expect(results.withLock { $0 } == [true, true, true, true, true])
        #expect(!event.isSet)
    }

    @Test func timedOutWaiterLeavesNoTrace() throws {
        let event = Event()
        #expect(try !event.wait(timeout: Delay.short))
        #expect(event.waitingCount == 0)
        event.set()
        #expect(try event.wait(timeout: .zero))
    }

    @Test func asyncWaitWokenByAThread() async throws {
        let event = Event()
        let waiting = inTask { try await event.wait() }
        await waitUntil("the task waits") { event.waitingCount == 1 }
        // A thread sets it; the suspended task must resume.
        let setter = try spawn { event.set() }
        try await waiting.value
        try joinAll([setter])
        #expect(event.isSet)
    }

    @Test func asyncWaitReturnsAtOnceWhenSet() async throws {
        let event = Event()
        event.set()
        try await event.wait()
    }

    @Test func cancellationThrowsCancellationError() async throws {
        let event = Event()
        let listed = Event()
        let waiting = inTask {
            listed.set()
            try await event.wait()
        }
        // The task is suspended on the event; cancel it.
        #expect(try await inTask { try waitedFor(listed) }.value)
        await waitUntil("the task waits") { event.waitingCount == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(event.waitingCount == 0)  // the cancelled waiter withdrew
        // The event still works afterwards.
        event.set()
        try await event.wait()
    }

    @Test func alreadyCancelledTaskThrows() async {
        let event = Event()
        let waiting = inTask {
            withUnsafeCurrentTask { $0?.cancel() }
            try await event.wait()
        }
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test func threadsAndTasksWokenTogether() async throws {
        let event = Event()
        let threadWoken = Counter()
        let thread = try spawn {
            event.wait()
            threadWoken.increment()
        }
        let tasks = (0..<3).map { _ in inTask { try await event.wait() } }
        await waitUntil("a thread and three tasks wait") { event.waitingCount == 4 }
        event.set()
        for task in tasks { try await task.value }
        try joinAll([thread])
        #expect(threadWoken.count == 1)
    }
}

/// `EventState` on its own: every sequence of events up to a small length.
@Suite(.hangGuard) struct EventStateTests {
    enum Step: CaseIterable { case set, clear, wait, withdrawFirst }

    /// Waits that end by timeout shrink the watch before sleeping to `.brief`'s turns, so
    /// an event that is waited on for long spins almost not at all.
    @Test func theWatchBeforeSleepingShrinksWhenSetsDoNotComeDuringIt() throws {
        let event = Event()
        let start = event.nextWatchTurns
        #expect(Event.watchTurnsRange.contains(start))
        for _ in 0..<12 { #expect(try !event.wait(timeout: .milliseconds(1))) }
        #expect(event.nextWatchTurns == Event.watchTurnsRange.lowerBound)
        // A wait that finds the flag already set does not watch, and changes nothing.
        event.set()
        event.wait()
        #expect(event.nextWatchTurns == Event.watchTurnsRange.lowerBound)
    }

    @Test func exhaustiveSequences() {
        func run(_ steps: [Step]) {
            var state = EventState()
            var listed: [UInt64] = []
            var nextID: UInt64 = 1
            for step in steps {
                switch step {
                case .set:
                    let woken = state.set()
                    #expect(woken.map(\.id) == listed)  // FIFO, all of them
                    listed = []
                    #expect(state.isSet)
                case .clear:
                    state.clear()
                    #expect(!state.isSet)
                case .wait:
                    let waiter = Waiter(id: nextID, handle: .thread(ThreadParker()))
                    nextID += 1
                    let registration = state.wait(waiter)
                    if state.isSet {
                        #expect(registration == .proceed)
                    } else {
                        #expect(registration == .listed)
                        listed.append(waiter.id)
                    }
                case .withdrawFirst:
                    if let first = listed.first {
                        #expect(state.withdraw(id: first)?.id == first)
                        listed.removeFirst()
                    }
                    #expect(state.withdraw(id: 999) == nil)
                }
                #expect(state.checkInvariants())
                #expect(state.waiters.count == listed.count)
            }
        }
        var sequences: [[Step]] = [[]]
        for _ in 0..<5 {
            sequences = sequences.flatMap { seq in Step.allCases.map { seq + [$0] } }
            for sequence in sequences { run(sequence) }
        }
    }

    @Test func withdrawAfterSetFindsNothing() {
        var state = EventState()
        let waiter = Waiter(id: 1, handle: .thread(ThreadParker()))
        #expect(state.wait(waiter) == .listed)
        #expect(state.set().count == 1)
        #expect(state.withdraw(id: 1) == nil)  // set() took it: its wake-up is on its way
    }
}
