import Testing
import ThreadingTestSupport

@testable import Threading

/// Code written once against `BlockingQueue` runs on every bounded queue kind.
@Suite(.hangGuard)
struct BlockingQueueTests {
    /// Puts 1...n, shuts down, then drains: generic over the kind of queue.
    private func putThenDrain(_ queue: some BlockingQueue<Int>, n: Int) throws -> [Int] {
        for i in 1...n { try queue.putNowait(i) }
        #expect(queue.qsize() == n && !queue.empty() && queue.full() == (queue.maxsize == n))
        queue.shutdown(immediate: false)
        #expect(throws: QueueError.shutDown) { try queue.putNowait(0) }
        var got: [Int] = []
        while true {
            do { got.append(try queue.getNowait()) } catch QueueError.shutDown { break }
        }
        return got
    }

    /// The async twins through the protocol: a task puts while another gets.
    private func handOver(_ queue: some BlockingQueue<Int>, n: Int) async throws -> Int {
        let producer = inTask {
            for i in 1...n { try await queue.put(i) }
            queue.shutdown(immediate: false)
        }
        var total = 0
        while true {
            do { total += try await queue.get() } catch QueueError.shutDown { break }
        }
        try await producer.value
        return total
    }

    @Test func oneGenericBodyOverEveryKind() throws {
        #expect(try putThenDrain(Queue<Int>(maxsize: 3), n: 3) == [1, 2, 3])
        #expect(try putThenDrain(LifoQueue<Int>(maxsize: 3), n: 3) == [3, 2, 1])
        #expect(try putThenDrain(PriorityQueue<Int>(), n: 3) == [1, 2, 3])
    }

    @Test func asyncTwinsThroughTheProtocol() async throws {
        let n = 200
        #expect(try await handOver(Queue<Int>(maxsize: 4), n: n) == n * (n + 1) / 2)
        #expect(try await handOver(LifoQueue<Int>(maxsize: 4), n: n) == n * (n + 1) / 2)
        #expect(try await handOver(PriorityQueue<Int>(maxsize: 4), n: n) == n * (n + 1) / 2)
    }
}
