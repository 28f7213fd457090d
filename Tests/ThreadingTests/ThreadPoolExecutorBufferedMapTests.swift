import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// `map(_:buffersize:timeout:_:)`, Python 3.14's bounded `Executor.map`.
@Suite(.hangGuard)
struct ThreadPoolExecutorBufferedMapTests {
    /// An endless source, counting how many items were taken from it.
    struct Naturals: Sequence, IteratorProtocol {
        let taken: Counter
        var current = 0
        mutating func next() -> Int? {
            taken.increment()
            defer { current += 1 }
            return current
        }
    }

    @Test func resultsInOrderWithBoundedInFlight() throws {
        try withThreadPool(maxWorkers: 3) { pool in
            let taken = Counter()
            var results = try pool.map(Naturals(taken: taken), buffersize: 4) { $0 * 2 }
            #expect(taken.count == 4)
            for i in 0..<50 {
                #expect(try results.next() == i * 2)
                #expect(results.inFlightCount <= 4)
                #expect(taken.count <= i + 1 + 4)
            }
        }
    }

    @Test func finiteSourceEnds() throws {
        try withThreadPool(maxWorkers: 2) { pool in
            var results = try pool.map(0..<10, buffersize: 3) { $0 + 1 }
            var all: [Int] = []
            while let r = try results.next() { all.append(r) }
            #expect(all == Array(1...10))
            #expect(try results.next() == nil)
        }
    }

    @Test func errorEndsTheIteration() throws {
        try withThreadPool(maxWorkers: 2) { pool in
            var results = try pool.map(0..<10, buffersize: 2) { i -> Int in
                if i == 3 { throw Boom(tag: 3) }
                return i
            }
            #expect(try results.next() == 0)
            #expect(try results.next() == 1)
            #expect(try results.next() == 2)
            #expect(throws: Boom(tag: 3)) { try results.next() }
            #expect(try results.next() == nil)
        }
    }

    @Test func timeoutFromTheCall() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let release = Event()
        var results = try pool.map(0..<5, buffersize: 2, timeout: Delay.short) { i -> Int in
            _ = try release.wait(timeout: Delay.bound)
            return i
        }
        #expect(throws: TimeoutError.self) { try results.next() }
        #expect(try results.next() == nil)
        release.set()
        pool.shutdown()
    }

    @Test func invalidArguments() throws {
        try withThreadPool(maxWorkers: 1) { pool in
            #expect(throws: ThreadingError.self) { _ = try pool.map([1], buffersize: 0) { $0 } }
            #expect(throws: ThreadingError.self) {
                _ = try pool.map([1], buffersize: 1, timeout: .seconds(-1)) { $0 }
            }
        }
    }

    /// Dropping the results early cancels the queued items.
    @Test func droppingCancelsQueuedItems() throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        let release = Event()
        let ran = Counter()
        do {
            let results = try pool.map(0..<4, buffersize: 4) { i -> Int in
                _ = try release.wait(timeout: Delay.bound)
                ran.increment()
                return i
            }
            _ = consume results
        }
        release.set()
        pool.shutdown()
        #expect(ran.count <= 1)  // only the one already running
    }
}
