import Testing
import ThreadingTestSupport

@testable import Threading

/// Python's spellings that the package accepts beside its Swift names.
@Suite(.hangGuard)
struct PythonNamesTests {
    @Test func queueSizeAliasesMatchTheSwiftNames() throws {
        let queue = Queue<Int>(maxsize: 2)
        #expect(queue.qsize() == 0 && queue.empty() && !queue.full())
        try queue.put(1, timeout: .zero)
        try queue.put(2, timeout: .zero)
        #expect(queue.qsize() == queue.count && queue.qsize() == 2)
        #expect(!queue.empty() && queue.full())
    }

    @Test func otherQueuesAcceptTheAliasesToo() throws {
        let lifo = LifoQueue<Int>(maxsize: 1)
        try lifo.putNowait(1)
        #expect(lifo.qsize() == 1 && !lifo.empty() && lifo.full())
        let priority = PriorityQueue<Int>()
        try priority.putNowait(3)
        #expect(priority.qsize() == 1 && !priority.empty() && !priority.full())
        let simple = SimpleQueue<Int>()
        #expect(simple.qsize() == 0 && simple.empty())
        simple.put(1)
        #expect(simple.qsize() == 1 && !simple.empty())
    }

    @Test func sleepWaitsAtLeastItsDuration() throws {
        let start = ContinuousClock.now
        try OSThread.sleep(for: Delay.short)
        #expect(ContinuousClock.now - start >= Delay.short)
        try OSThread.sleep(for: .zero)
    }

    @Test func sleepRejectsANegativeDuration() {
        #expect(throws: ThreadingError.self) { try OSThread.sleep(for: .milliseconds(-1)) }
    }
}
