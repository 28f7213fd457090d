import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The intent of CPython's `test_queue.py` (`BaseQueueTestMixin`), run over `Queue`,
/// `LifoQueue` and `PriorityQueue`.
@Suite(.hangGuard)
struct QueueTests {
    static let size = 5  // QUEUE_SIZE

    /// do_blocking_test: `block` must really block (seen parked in the queue) until
    /// `trigger` runs on this thread.
    func expectBlocks(
        _ queue: any BlockingQueue<Int>, parked: @escaping @Sendable () -> Bool,
        _ block: @escaping @Sendable () throws -> Void, trigger: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let done = Event()
        let thread = try spawn {
            try block()
            done.set()
        }
        waitUntil("the call blocks", sourceLocation: sourceLocation, parked)
        #expect(
            try !done.wait(timeout: Delay.settle), "the call did not block", sourceLocation: sourceLocation)
        try trigger()
        #expect(
            try done.wait(timeout: Delay.bound), "the trigger did not release it",
            sourceLocation: sourceLocation)
        try joinAll([thread])
    }

    func basic(_ kind: QueueKind, _ q: any BlockingQueue<Int>) throws {
        #expect(q.count == 0 && q.isEmpty && !q.isFull)
        try q.put(111)
        try q.put(333)
        try q.put(222)
        #expect([try q.get(), try q.get(), try q.get()] == kind.expectedOrder)
        for i in 0..<(Self.size - 1) {
            try q.put(i)
            #expect(q.count == i + 1)
        }
        #expect(!q.isFull)
        try q.put(2 * Self.size)
        #expect(q.isFull && !q.isEmpty)
        #expect(throws: QueueError.full) { try q.putNowait(99) }
        #expect(throws: QueueError.full) { try q.put(99, timeout: .milliseconds(10)) }
        try expectBlocks(
            q, parked: { q.waiting.putters == 1 }, { try q.put(99) }, trigger: { _ = try q.get() })
        try expectBlocks(
            q, parked: { q.waiting.putters == 1 }, { try q.put(99, timeout: .seconds(10)) },
            trigger: { _ = try q.get() })
        for _ in 0..<Self.size { _ = try q.get() }
        #expect(q.isEmpty)
        #expect(throws: QueueError.empty) { try q.getNowait() }
        #expect(throws: QueueError.empty) { try q.get(timeout: .milliseconds(10)) }
        try expectBlocks(
            q, parked: { q.waiting.getters == 1 }, { _ = try q.get() }, trigger: { try q.put(7) })
        try expectBlocks(
            q, parked: { q.waiting.getters == 1 }, { _ = try q.get(timeout: .seconds(10)) },
            trigger: { try q.put(7) })
    }

    @Test(arguments: QueueKind.allCases)
    func basicTwiceOnTheSameQueue(kind: QueueKind) throws {
        let q = kind.make(maxsize: Self.size)
        #expect(q.maxsize == Self.size)
        try basic(kind, q)
        try basic(kind, q)
    }

    @Test(arguments: QueueKind.allCases)
    func taskDoneTooManyThrows(kind: QueueKind) throws {
        let q = kind.make()
        #expect(throws: QueueError.tooManyTaskDone) { try q.taskDone() }
        try q.put(1)
        try q.taskDone()
        #expect(throws: QueueError.tooManyTaskDone) { try q.taskDone() }
        #expect(q.unfinishedTasks == 0)
    }

    /// queue_join_test, twice: join returns only after every item is marked done.
    @Test(arguments: QueueKind.allCases)
    func joinWaitsForEveryTaskDone(kind: QueueKind) throws {
        let q = kind.make()
        for _ in 0..<2 {
            let sum = Atomic<Int>(0)
            let workers = try (0..<2).map { _ in
                try spawn {
                    while true {
                        let x = try q.get()
                        if x < 0 {
                            try q.taskDone()
                            return
                        }
                        sum.add(x, ordering: .relaxed)
                        try q.taskDone()
                    }
                }
            }
            for i in 0..<100 { try q.put(i) }
            q.join()
            #expect(sum.load(ordering: .relaxed) == 4950)
            for _ in 0..<2 { try q.put(-1) }
            q.join()  // joining twice works
            try joinAll(workers)
        }
        #expect(throws: QueueError.tooManyTaskDone) { try q.taskDone() }
    }

    @Test(arguments: QueueKind.allCases)
    func joinBlocksUntilTheLastTaskDone(kind: QueueKind) throws {
        let q = kind.make()
        q.join()  // nothing unfinished: returns at once
        try q.put(1)
        try q.put(2)
        _ = try q.get()
        _ = try q.get()
        try q.taskDone()
        try expectBlocks(q, parked: { q.waiting.joiners == 1 }, { q.join() }, trigger: { try q.taskDone() })
    }

    @Test(arguments: QueueKind.allCases)
    func negativeTimeoutsThrowInvalidArgument(kind: QueueKind) throws {
        let q = kind.make(maxsize: Self.size)
        #expect(throws: ThreadingError.self) { try q.put(1, timeout: .seconds(-1)) }
        #expect(throws: ThreadingError.self) { try q.get(timeout: .seconds(-1)) }
        #expect(q.isEmpty && q.unfinishedTasks == 0)
    }

    @Test(arguments: QueueKind.allCases)
    func nowaitForms(kind: QueueKind) throws {
        let q = kind.make(maxsize: Self.size)
        for _ in 0..<Self.size { try q.putNowait(1) }
        #expect(throws: QueueError.full) { try q.putNowait(1) }
        for _ in 0..<Self.size { #expect(try q.getNowait() == 1) }
        #expect(throws: QueueError.empty) { try q.getNowait() }
    }

    @Test(arguments: QueueKind.allCases)
    func timeoutFormsWaitThenThrow(kind: QueueKind) throws {
        let q = kind.make(maxsize: 1)
        var start = ContinuousClock.now
        #expect(throws: QueueError.empty) { try q.get(timeout: Delay.short) }
        #expect(ContinuousClock.now - start >= Delay.short)
        try q.put(1, timeout: .zero)
        start = .now
        #expect(throws: QueueError.full) { try q.put(2, timeout: Delay.short) }
        #expect(ContinuousClock.now - start >= Delay.short)
        #expect(try q.get(timeout: .zero) == 1)
        // A huge timeout means "never" and does not trap.
        try q.put(3, timeout: .seconds(Int64.max))
        #expect(try q.get(timeout: .seconds(Int64.max)) == 3)
    }

    @Test(arguments: QueueKind.allCases)
    func unboundedWhenMaxsizeIsZeroOrLess(kind: QueueKind) throws {
        for maxsize in [0, -1] {
            let q = kind.make(maxsize: maxsize)
            for i in 0..<1000 { try q.putNowait(i) }
            #expect(q.count == 1000 && !q.isFull)
        }
    }

    /// FailingQueue's intent: an operation that fails part-way (here a put or get that
    /// timed out while listed as a waiter) leaves the queue as if it never happened, and
    /// the queue keeps working.
    @Test(arguments: QueueKind.allCases)
    func failedOperationsLeaveTheQueueConsistent(kind: QueueKind) throws {
        let q = kind.make(maxsize: 2)
        try q.put(1)
        try q.put(2)
        #expect(throws: QueueError.full) { try q.put(3, timeout: Delay.short) }
        #expect(q.count == 2 && q.unfinishedTasks == 2 && q.waiting.putters == 0)
        _ = try q.get()
        _ = try q.get()
        #expect(throws: QueueError.empty) { try q.get(timeout: Delay.short) }
        #expect(q.count == 0 && q.waiting.getters == 0)
        // A timed-out waiter does not swallow the next wake-up meant for another.
        let got = Results<Int>()
        let getter = try spawn { got.append(try q.get()) }
        waitUntil("q.waiting.getters == 1") { q.waiting.getters == 1 }
        try q.put(5)
        try joinAll([getter])
        #expect(got.all == [5])
        try q.taskDone()
        try q.taskDone()
        try q.taskDone()
        q.join()
    }

    /// Each put wakes one waiting getter and each get one waiting putter, not everyone:
    /// the others stay parked in their own list.
    @Test(arguments: QueueKind.allCases)
    func eachPutWakesOneGetterAndEachGetOnePutter(kind: QueueKind) throws {
        let q = kind.make(maxsize: 1)
        let got = Results<Int>()
        let getters = try (0..<3).map { _ in
            try spawn {
                do { got.append(try q.get()) } catch QueueError.shutDown {}
            }
        }
        waitUntil("q.waiting.getters == 3") { q.waiting.getters == 3 }
        try q.putNowait(1)
        #expect(q.waiting.getters == 2)  // one chosen, under the put's lock
        waitUntil("got.all == [1]") { got.all == [1] }
        #expect(try !Event().wait(timeout: Delay.settle))
        #expect(q.waiting.getters == 2 && got.all == [1])
        q.shutdown(immediate: false)
        try joinAll(getters)

        let r = kind.make(maxsize: 1)
        try r.putNowait(0)
        let putters = try (1...3).map { i in
            try spawn {
                do { try r.put(i) } catch QueueError.shutDown {}
            }
        }
        waitUntil("r.waiting.putters == 3") { r.waiting.putters == 3 }
        #expect(try r.getNowait() == 0)
        #expect(r.waiting.putters == 2)
        waitUntil("r.count == 1") { r.count == 1 }
        #expect(try !Event().wait(timeout: Delay.settle))
        #expect(r.waiting.putters == 2 && r.count == 1)
        r.shutdown(immediate: true)
        try joinAll(putters)
    }

    // MARK: Shutdown (Python 3.13)

    @Test(arguments: QueueKind.allCases)
    func shutdownEmpty(kind: QueueKind) throws {
        let q = kind.make()
        q.shutdown(immediate: false)
        #expect(throws: QueueError.shutDown) { try q.put(1) }
        #expect(throws: QueueError.shutDown) { try q.get() }
    }

    @Test(arguments: QueueKind.allCases)
    func shutdownNonEmptyDrainsThenThrows(kind: QueueKind) throws {
        let q = kind.make()
        try q.put(1)
        q.shutdown(immediate: false)
        #expect(try q.get() == 1)
        #expect(throws: QueueError.shutDown) { try q.get() }
    }

    @Test(arguments: QueueKind.allCases)
    func shutdownImmediateDropsItems(kind: QueueKind) throws {
        let q = kind.make()
        try q.put(1)
        q.shutdown(immediate: true)
        #expect(q.isEmpty)
        #expect(throws: QueueError.shutDown) { try q.get() }
    }

    @Test(arguments: QueueKind.allCases)
    func shutdownAllowedTransitions(kind: QueueKind) {
        let q = kind.make()
        #expect(!q.isShutDown)
        q.shutdown(immediate: false)
        #expect(q.isShutDown)
        q.shutdown(immediate: true)
        #expect(q.isShutDown)
        q.shutdown(immediate: false)
        #expect(q.isShutDown)
    }

    @Test(arguments: QueueKind.allCases, [false, true])
    func shutdownAllMethodsInOneThread(kind: QueueKind, immediate: Bool) throws {
        let q = kind.make(maxsize: 2)
        try q.put(1)
        try q.putNowait(2)
        q.shutdown(immediate: immediate)
        #expect(throws: QueueError.shutDown) { try q.put(3) }
        #expect(throws: QueueError.shutDown) { try q.putNowait(4) }
        #expect(throws: QueueError.shutDown) { try q.put(5, timeout: .seconds(1)) }
        if immediate {
            #expect(throws: QueueError.shutDown) { try q.get() }
            #expect(throws: QueueError.shutDown) { try q.getNowait() }
            #expect(throws: QueueError.tooManyTaskDone) { try q.taskDone() }
            q.join()
        } else {
            #expect(Set([try q.get(), try q.get()]) == [1, 2])
            try q.taskDone()
            try q.taskDone()
            q.join()
            #expect(throws: QueueError.shutDown) { try q.get() }
            #expect(throws: QueueError.shutDown) { try q.getNowait() }
            #expect(throws: QueueError.shutDown) { try q.get(timeout: .seconds(1)) }
        }
    }

    /// _shutdown_get: blocked and arriving getters; a normal shutdown lets two of three
    /// get the two items, an immediate one makes both throw.
    @Test(arguments: QueueKind.allCases, [false, true])
    func shutdownWakesGetters(kind: QueueKind, immediate: Bool) throws {
        let q = kind.make(maxsize: 2)
        let results = Results<Bool>()  // true: got an item
        let go = Event()
        try q.put(1)
        try q.put(2)
        let n = immediate ? 2 : 3
        let threads = try (0..<n).map { _ in
            try spawn {
                go.wait()
                do {
                    _ = try q.get()
                    results.append(true)
                } catch QueueError.shutDown {
                    results.append(false)
                }
            }
        }
        q.shutdown(immediate: immediate)
        go.set()
        try joinAll(threads)
        #expect(results.all.sorted { !$0 && $1 } == (immediate ? [false, false] : [false, true, true]))
    }

    /// A getter blocked on an empty queue is woken by a normal shutdown and throws.
    @Test(arguments: QueueKind.allCases)
    func shutdownPendingGet(kind: QueueKind) throws {
        let q = kind.make()
        let results = Results<QueueError>()
        let thread = try spawn {
            do { _ = try q.get() } catch let error as QueueError { results.append(error) }
        }
        waitUntil("q.waiting.getters == 1") { q.waiting.getters == 1 }
        q.shutdown(immediate: false)
        try joinAll([thread])
        #expect(results.all == [.shutDown])
    }

    /// _shutdown_put: putters blocked on a full queue throw once it is shut down.
    @Test(arguments: QueueKind.allCases, [false, true])
    func shutdownWakesBlockedPutters(kind: QueueKind, immediate: Bool) throws {
        let q = kind.make(maxsize: 2)
        try q.put(1)
        try q.put(2)
        let results = Results<QueueError>()
        let threads = try (0..<2).map { i in
            try spawn {
                do { try q.put(10 + i) } catch let error as QueueError { results.append(error) }
            }
        }
        waitUntil("q.waiting.putters == 2") { q.waiting.putters == 2 }
        q.shutdown(immediate: immediate)
        try joinAll(threads)
        #expect(results.all == [.shutDown, .shutDown])
        #expect(q.count == (immediate ? 0 : 2))
    }

    /// _shutdown_join: an immediate shutdown releases joiners; a normal one does not, but
    /// getting and marking the items left does.
    @Test(arguments: QueueKind.allCases, [false, true])
    func shutdownAndJoin(kind: QueueKind, immediate: Bool) throws {
        let q = kind.make()
        try q.put(1)
        let joined = Counter()
        let joiners = try (0..<2).map { _ in
            try spawn {
                q.join()
                joined.increment()
            }
        }
        waitUntil("q.waiting.joiners == 2") { q.waiting.joiners == 2 }
        q.shutdown(immediate: immediate)
        if !immediate {
            #expect(try !Event().wait(timeout: Delay.settle))
            #expect(joined.count == 0)  // a normal shutdown leaves the item unfinished
            #expect(try q.get() == 1)
            try q.taskDone()
        }
        try joinAll(joiners)
        #expect(joined.count == 2)
    }

    /// _shutdown_put_join: a blocked putter throws and a joiner returns once the item
    /// left is dropped (immediate) or got and marked done (normal).
    @Test(arguments: QueueKind.allCases, [false, true])
    func shutdownPutJoin(kind: QueueKind, immediate: Bool) throws {
        let q = kind.make(maxsize: 1)
        try q.put(1)
        let errors = Results<QueueError>()
        let putter = try spawn {
            do { try q.put(2) } catch let error as QueueError { errors.append(error) }
        }
        let joiner = try spawn { q.join() }
        waitUntil("q.waiting.putters == 1 && q.waiting.joiners == 1") {
            q.waiting.putters == 1 && q.waiting.joiners == 1
        }
        #expect(q.unfinishedTasks == 1)
        q.shutdown(immediate: immediate)
        if immediate {
            #expect(throws: QueueError.shutDown) { try q.getNowait() }
        } else {
            #expect(try q.get() == 1)
            try q.taskDone()
        }
        try joinAll([putter, joiner])
        #expect(errors.all == [.shutDown])
    }

    /// shutdown_get_task_done_join: items got and marked after a normal shutdown let
    /// joiners return.
    @Test(arguments: QueueKind.allCases)
    func shutdownGetTaskDoneJoin(kind: QueueKind) throws {
        let q = kind.make(maxsize: 2)
        try q.put(1)
        try q.put(2)
        #expect(q.unfinishedTasks == q.count)
        let go = Event()
        let got = Counter()
        var threads = try (0..<2).map { _ in
            try spawn {
                go.wait()
                _ = try q.get()
                try q.taskDone()
                got.increment()
            }
        }
        threads += try (0..<2).map { _ in try spawn { q.join() } }
        go.set()
        q.shutdown(immediate: false)
        try joinAll(threads)
        #expect(got.count == 2)
    }
}
