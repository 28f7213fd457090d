import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The intent of CPython's `BaseSimpleQueueTest`.
@Suite(.hangGuard)
struct SimpleQueueTests {
    @Test func basic() throws {
        let q = SimpleQueue<Int>()
        #expect(q.isEmpty && q.count == 0)
        q.put(1)
        #expect(!q.isEmpty && q.count == 1)
        #expect(q.get() == 1)
        #expect(throws: QueueError.empty) { try q.getNowait() }
        #expect(throws: QueueError.empty) { try q.get(timeout: .zero) }
        let start = ContinuousClock.now
        #expect(throws: QueueError.empty) { try q.get(timeout: Delay.short) }
        #expect(ContinuousClock.now - start >= Delay.short)
        q.put(2)
        #expect(try q.get(timeout: .seconds(Int64.max)) == 2)
        q.put(3)
        #expect(try q.getNowait() == 3)
    }

    @Test func negativeTimeoutThrows() {
        let q = SimpleQueue<Int>()
        q.put(1)
        #expect(throws: ThreadingError.self) { try q.get(timeout: .seconds(-1)) }
        #expect(q.count == 1)
    }

    @Test func order() {
        let q = SimpleQueue<Int>()
        for i in 0..<100 { q.put(i) }
        #expect((0..<100).map { _ in q.get() } == Array(0..<100))
    }

    @Test func getBlocksUntilPut() throws {
        let q = SimpleQueue<Int>()
        let got = Results<Int>()
        let thread = try spawn { got.append(q.get()) }
        waitUntil("q.storage.backend.waitingCounts.getters == 1") {
            q.storage.backend.waitingCounts.getters == 1
        }
        #expect(got.all.isEmpty)
        q.put(9)
        try joinAll([thread])
        #expect(got.all == [9])
    }

    @Test func asyncGetHandOffAndCancellation() async throws {
        let q = SimpleQueue<Int>()
        let task = inTask { try await q.get() }
        await waitUntil("q.storage.backend.waitingCounts.getters == 1") {
            q.storage.backend.waitingCounts.getters == 1
        }
        let producer = try spawn { q.put(4) }
        #expect(try await task.value == 4)
        try joinAll([producer])
        let cancelled = inTask { try await q.get() }
        await waitUntil("q.storage.backend.waitingCounts.getters == 1") {
            q.storage.backend.waitingCounts.getters == 1
        }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        q.put(5)
        #expect(try q.getNowait() == 5)
    }

    /// test_many_threads / _nonblock / _timeout: producers and consumers, every item
    /// got exactly once, with each form of get.
    @Test(arguments: ["blocking", "nowait", "timeout"])
    func manyThreads(form: String) throws {
        let n = Stress.size(50_000)
        let q = SimpleQueue<Int>()
        let results = Results<[UInt8]>()
        let perConsumer = n / 4
        let consumers = try (0..<4).map { _ in
            try spawn {
                var local = [UInt8](repeating: 0, count: n)
                var got = 0
                while got < perConsumer {
                    let item: Int
                    switch form {
                    case "blocking": item = q.get()
                    case "nowait":
                        guard let x = try? q.getNowait() else { continue }
                        item = x
                    default:
                        guard let x = try? q.get(timeout: .milliseconds(1)) else { continue }
                        item = x
                    }
                    local[item] &+= 1
                    got += 1
                }
                results.append(local)
            }
        }
        let producers = try (0..<4).map { p in
            try spawn { for i in stride(from: p, to: n, by: 4) { q.put(i) } }
        }
        try joinAll(producers + consumers)
        QueueStressTests.expectExactlyOnce(results.all, n: n)
        #expect(q.isEmpty)
    }
}
