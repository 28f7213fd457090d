import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The `async` twins: tasks and threads share the waiter lists, cancellation loses nothing.
@Suite(.hangGuard)
struct QueueAsyncTests {
    @Test(arguments: QueueKind.allCases)
    func asyncPutAndGet(kind: QueueKind) async throws {
        let q = kind.make(maxsize: 3)
        for value in [111, 333, 222] { try await q.put(value) }
        var got: [Int] = []
        for _ in 0..<3 { got.append(try await q.get()) }
        #expect(got == kind.expectedOrder)
        for _ in 0..<3 { try q.taskDone() }
        try await q.join()
    }

    /// A thread's put wakes a task waiting in `get`.
    @Test(arguments: QueueKind.allCases)
    func threadPutWakesTaskGet(kind: QueueKind) async throws {
        let q = kind.make()
        let task = inTask { try await q.get() }
        await waitUntil("q.waiting.getters == 1") { q.waiting.getters == 1 }
        let producer = try spawn { try q.put(42) }
        #expect(try await task.value == 42)
        try joinAll([producer])
    }

    /// A task's put wakes a thread blocked in `get`.
    @Test(arguments: QueueKind.allCases)
    func taskPutWakesThreadGet(kind: QueueKind) async throws {
        let q = kind.make()
        let got = Results<Int>()
        let consumer = try spawn { got.append(try q.get()) }
        await waitUntil("q.waiting.getters == 1") { q.waiting.getters == 1 }
        try await q.put(7)
        try joinAll([consumer])
        #expect(got.all == [7])
    }

    /// A thread's get wakes a task waiting in `put` on a full queue, and the other way round.
    @Test(arguments: QueueKind.allCases)
    func getsWakePutters(kind: QueueKind) async throws {
        let q = kind.make(maxsize: 1)
        try await q.put(1)
        let task = inTask { try await q.put(2) }
        await waitUntil("q.waiting.putters == 1") { q.waiting.putters == 1 }
        let consumer = try spawn { _ = try q.get() }
        try await task.value
        try joinAll([consumer])
        #expect(try q.getNowait() == 2)

        try await q.put(3)
        let producer = try spawn { try q.put(4) }
        await waitUntil("q.waiting.putters == 1") { q.waiting.putters == 1 }
        #expect(try await q.get() == 3)
        try joinAll([producer])
        #expect(try q.getNowait() == 4)
    }

    /// Cancelling a waiting getter removes its waiter and throws; the next item is not
    /// lost to it.
    @Test(arguments: QueueKind.allCases)
    func cancelledGetThrowsAndLosesNothing(kind: QueueKind) async throws {
        let q = kind.make()
        let task = inTask { try await q.get() }
        await waitUntil("q.waiting.getters == 1") { q.waiting.getters == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(q.waiting.getters == 0)
        try q.putNowait(5)
        #expect(try q.getNowait() == 5)
    }

    /// Cancelling a waiting putter removes its waiter and throws; its item is not put.
    @Test(arguments: QueueKind.allCases)
    func cancelledPutThrowsAndPutsNothing(kind: QueueKind) async throws {
        let q = kind.make(maxsize: 1)
        try await q.put(1)
        let task = inTask { try await q.put(2) }
        await waitUntil("q.waiting.putters == 1") { q.waiting.putters == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(q.waiting.putters == 0 && q.count == 1 && q.unfinishedTasks == 1)
        #expect(try q.getNowait() == 1)
        #expect(throws: QueueError.empty) { try q.getNowait() }
    }

    /// A task cancelled before it calls never takes an item or puts one.
    @Test(arguments: QueueKind.allCases)
    func alreadyCancelledTaskNeverActs(kind: QueueKind) async throws {
        let q = kind.make()
        try q.putNowait(1)
        let task = inTask { () async throws -> Int in
            withUnsafeCurrentTask { $0?.cancel() }
            try await q.put(2)
            return 0
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        let getter = inTask { () async throws -> Int in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await q.get()
        }
        await #expect(throws: CancellationError.self) { try await getter.value }
        #expect(q.count == 1)
    }

    /// Cancellation racing puts: every item is got by exactly one task or stays in the
    /// queue, and no task that was not cancelled is left waiting while an item is there
    /// (a cancelled task chosen by a put passes the wake-up on).
    @Test(arguments: QueueKind.allCases)
    func cancellationRacingPutsLosesNothing(kind: QueueKind) async throws {
        for _ in 0..<Stress.size(50) {
            let q = kind.make()
            let n = 8
            let tasks = (0..<n).map { _ in inTask { try await q.get() } }
            await waitUntil("q.waiting.getters == n") { q.waiting.getters == n }
            let producer = try spawn { for i in 0..<n { try q.put(i) } }
            for task in tasks.prefix(n / 2) { task.cancel() }
            var got: [Int] = []
            var cancelled = 0
            for task in tasks {
                do { got.append(try await task.value) } catch is CancellationError { cancelled += 1 }
            }
            try joinAll([producer])
            var left: [Int] = []
            while let item = try? q.getNowait() { left.append(item) }
            #expect((got + left).sorted() == Array(0..<n))
            #expect(left.count == cancelled)
        }
    }

    @Test(arguments: QueueKind.allCases)
    func asyncCallsAfterShutdownThrow(kind: QueueKind) async throws {
        let q = kind.make()
        try await q.put(1)
        let waiterQueue = kind.make()
        let task = inTask { try await waiterQueue.get() }
        await waitUntil("waiterQueue.waiting.getters == 1") { waiterQueue.waiting.getters == 1 }
        waiterQueue.shutdown(immediate: false)
        await #expect(throws: QueueError.shutDown) { try await task.value }
        q.shutdown(immediate: false)
        await #expect(throws: QueueError.shutDown) { try await q.put(2) }
        #expect(try await q.get() == 1)
        await #expect(throws: QueueError.shutDown) { try await q.get() }
    }

    @Test(arguments: QueueKind.allCases)
    func asyncJoinWaitsAndCanBeCancelled(kind: QueueKind) async throws {
        let q = kind.make()
        try await q.put(1)
        let joiner = inTask { try await q.join() }
        await waitUntil("q.waiting.joiners == 1") { q.waiting.joiners == 1 }
        _ = try await q.get()
        try q.taskDone()
        try await joiner.value
        try await q.put(2)
        let cancelled = inTask { try await q.join() }
        await waitUntil("q.waiting.joiners == 1") { q.waiting.joiners == 1 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(q.waiting.joiners == 0)
    }

    // MARK: Iteration

    @Test func asyncIterationEndsAtShutdownAfterDraining() async throws {
        let q = Queue<Int>()
        for i in 0..<5 { try await q.put(i) }
        q.shutdown()
        var got: [Int] = []
        for try await item in q { got.append(item) }
        #expect(got == [0, 1, 2, 3, 4])
    }

    @Test func asyncIterationFollowsAProducerThread() async throws {
        let q = LifoQueue<Int>(maxsize: 2)
        let producer = try spawn {
            for i in 0..<100 { try q.put(i) }
            q.shutdown()
        }
        var sum = 0
        for try await item in q { sum += item }
        #expect(sum == 4950)
        try joinAll([producer])
    }

    @Test func asyncIterationThrowsWhenCancelled() async throws {
        let q = PriorityQueue<Int>()
        let task = inTask {
            var count = 0
            for try await _ in q { count += 1 }
            return count
        }
        try q.putNowait(1)
        await waitUntil("q.waiting.getters == 1") { q.waiting.getters == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func immediateShutdownEndsIterationAtOnce() async throws {
        let q = Queue<Int>()
        for i in 0..<5 { try await q.put(i) }
        q.shutdown(immediate: true)
        var count = 0
        for try await _ in q { count += 1 }
        #expect(count == 0)
    }

    @Test func blockingItemsViewEndsAtShutdown() throws {
        let q = Queue<Int>(maxsize: 4)
        let got = Results<Int>()
        let consumer = try spawn {
            for item in q.items { got.append(item) }
        }
        for i in 0..<20 { try q.put(i) }
        q.shutdown()
        try joinAll([consumer])
        #expect(got.all == Array(0..<20))
    }
}
