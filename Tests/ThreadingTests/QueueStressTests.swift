import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// Many producers and consumers: every item got exactly once, checked with a bitmap;
/// timeouts and shutdowns in the middle; every element released exactly once.
@Suite(.hangGuard)
struct QueueStressTests {
    /// Counts per item, merged from each consumer's own array after the run.
    static func expectExactlyOnce(
        _ perConsumer: [[UInt8]], n: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var seen = [UInt8](repeating: 0, count: n)
        for local in perConsumer {
            for i in 0..<n { seen[i] &+= local[i] }
        }
        let missing = seen.indices.filter { seen[$0] == 0 }
        let twice = seen.indices.filter { seen[$0] > 1 }
        #expect(
            missing.isEmpty, "\(missing.count) items lost, e.g. \(missing.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(
            twice.isEmpty, "\(twice.count) items got twice, e.g. \(twice.prefix(5))",
            sourceLocation: sourceLocation)
    }

    /// 4 producers × 4 consumers move N items through a small bounded queue; consumers
    /// stop when the queue, shut down after the producers finish, is drained.
    func mpmc(_ q: any BlockingQueue<Int>, n: Int) throws {
        let producers = 4
        let consumers = 4
        let results = Results<[UInt8]>()
        let consumerThreads = try (0..<consumers).map { _ in
            try spawn {
                var local = [UInt8](repeating: 0, count: n)
                do {
                    while true {
                        local[try q.get()] &+= 1
                        try q.taskDone()
                    }
                } catch QueueError.shutDown {}
                results.append(local)
            }
        }
        let producerThreads = try (0..<producers).map { p in
            try spawn {
                for i in stride(from: p, to: n, by: producers) { try q.put(i) }
            }
        }
        try joinAll(producerThreads)
        q.join()  // every item got and marked done
        q.shutdown(immediate: false)
        try joinAll(consumerThreads)
        #expect(results.all.count == consumers)
        Self.expectExactlyOnce(results.all, n: n)
        #expect(q.isEmpty && q.unfinishedTasks == 0)
    }

    @Test func fifoFourByFourMillionItems() throws {
        try mpmc(Queue<Int>(maxsize: 64), n: Stress.size(1_000_000))
    }

    @Test func lifoFourByFour() throws {
        try mpmc(LifoQueue<Int>(maxsize: 64), n: Stress.size(100_000))
    }

    @Test func priorityFourByFour() throws {
        try mpmc(PriorityQueue<Int>(maxsize: 64), n: Stress.size(100_000))
    }

    /// Random put/get forms and timeouts, and a shutdown (normal or immediate) in the
    /// middle. Nothing is got twice; an item put and never got was dropped by an
    /// immediate shutdown; every element is released exactly once; the unfinished count
    /// ends at zero.
    @Test(arguments: QueueKind.allCases, [false, true])
    func randomTimeoutsAndAShutdownInTheMiddle(kind: QueueKind, immediate: Bool) throws {
        let n = Stress.size(40_000)
        let releases = ReleaseLog(count: n)
        let q = kind.make(ReleaseCounted.self, maxsize: 16)
        let putOK = Results<[UInt8]>()  // per item: 0 never made, 1 made, 2 put
        let got = Results<[UInt8]>()
        let halfway = Event()
        let putSoFar = Atomic<Int>(0)
        let producers = try (0..<3).map { p in
            try spawn {
                var local = [UInt8](repeating: 0, count: n)
                var rng = SystemRandomNumberGenerator()
                itemLoop: for i in stride(from: p, to: n, by: 3) {
                    let item = ReleaseCounted(i, log: releases)
                    local[i] = 1
                    while true {
                        do {
                            switch Int.random(in: 0..<3, using: &rng) {
                            case 0: try q.put(item)
                            case 1:
                                try q.put(item, timeout: .microseconds(Int.random(in: 0..<200, using: &rng)))
                            default: try q.putNowait(item)
                            }
                            local[i] = 2
                            if putSoFar.add(1, ordering: .relaxed).newValue == n / 2 { halfway.set() }
                            continue itemLoop
                        } catch QueueError.full {
                            continue  // not put: try again
                        } catch {
                            #expect(error as? QueueError == .shutDown)
                            break itemLoop
                        }
                    }
                }
                putOK.append(local)
            }
        }
        let consumers = try (0..<3).map { _ in
            try spawn {
                var local = [UInt8](repeating: 0, count: n)
                var rng = SystemRandomNumberGenerator()
                while true {
                    do {
                        let item: ReleaseCounted
                        switch Int.random(in: 0..<3, using: &rng) {
                        case 0: item = try q.get()
                        case 1: item = try q.get(timeout: .microseconds(Int.random(in: 0..<200, using: &rng)))
                        default: item = try q.getNowait()
                        }
                        local[item.value] &+= 1
                        try q.taskDone()
                    } catch QueueError.empty {
                        continue
                    } catch {
                        #expect(error as? QueueError == .shutDown)
                        break
                    }
                }
                got.append(local)
            }
        }
        #expect(try halfway.wait(timeout: Delay.bound))
        q.shutdown(immediate: immediate)
        try joinAll(producers + consumers)
        q.join()  // returns: everything got was marked, everything dropped was counted
        #expect(q.unfinishedTasks == 0 && q.isEmpty)

        var made = [Bool](repeating: false, count: n)
        var wasPut = [Bool](repeating: false, count: n)
        for local in putOK.all {
            for i in 0..<n where local[i] > 0 {
                made[i] = true
                wasPut[i] = local[i] == 2
            }
        }
        var gotCount = [UInt8](repeating: 0, count: n)
        for local in got.all { for i in 0..<n { gotCount[i] &+= local[i] } }
        let twice = (0..<n).filter { gotCount[$0] > 1 }
        let gotUnput = (0..<n).filter { gotCount[$0] > 0 && !wasPut[$0] }
        let lost = (0..<n).filter { wasPut[$0] && gotCount[$0] == 0 }
        #expect(twice.isEmpty, "got twice: \(twice.prefix(5))")
        #expect(gotUnput.isEmpty, "got but never put: \(gotUnput.prefix(5))")
        if !immediate { #expect(lost.isEmpty, "lost after a normal shutdown: \(lost.prefix(5))") }
        let released = releases.counts.withLock { $0 }
        let wrong = (0..<n).filter { Int(released[$0]) != (made[$0] ? 1 : 0) }
        #expect(wrong.isEmpty, "not released exactly once: \(wrong.prefix(5))")
    }

    /// Threads and tasks on both sides of one queue.
    @Test func threadsAndTasksOnBothSides() async throws {
        let n = Stress.size(20_000)
        let q = Queue<Int>(maxsize: 8)
        let threadGot = Results<[UInt8]>()
        let producerThread = try spawn {
            for i in stride(from: 0, to: n, by: 2) { try q.put(i) }
        }
        let consumerThread = try spawn {
            var local = [UInt8](repeating: 0, count: n)
            do {
                while true { local[try q.get()] &+= 1 }
            } catch {}
            threadGot.append(local)
        }
        let producerTask = inTask {
            for i in stride(from: 1, to: n, by: 2) { try await q.put(i) }
        }
        let consumerTask = inTask {
            var local = [UInt8](repeating: 0, count: n)
            do {
                while true { local[try await q.get()] &+= 1 }
            } catch {}
            return local
        }
        try await producerTask.value
        try joinAll([producerThread])
        // Both producers are done; let the consumers drain, then end them.
        await waitUntil("q.isEmpty") { q.isEmpty }
        q.shutdown()
        let taskLocal = await consumerTask.value
        try joinAll([consumerThread])
        Self.expectExactlyOnce(threadGot.all + [taskLocal], n: n)
    }

    /// Elements still in a queue are released when the queue is dropped; elements got
    /// are released by their consumer; none twice.
    @Test(arguments: QueueKind.allCases)
    func everyElementReleasedExactlyOnce(kind: QueueKind) throws {
        let live = LiveCount()
        do {
            let q = kind.make(QueueTracked.self, maxsize: 0)
            for i in 0..<10 { try q.put(QueueTracked(i, live: live)) }
            #expect(live.count == 10)
            for _ in 0..<4 { _ = try q.get() }
            #expect(live.count == 6)
        }
        #expect(live.count == 0)
        do {
            let q = kind.make(QueueTracked.self, maxsize: 0)
            for i in 0..<10 { try q.put(QueueTracked(i, live: live)) }
            q.shutdown(immediate: true)
            #expect(live.count == 0)  // dropped items released by the shutdown itself
        }
        let simple = SimpleQueue<QueueTracked>()
        for i in 0..<10 { simple.put(QueueTracked(i, live: live)) }
        _ = simple.get()
        #expect(live.count == 9)
        _ = consume simple
        #expect(live.count == 0)
    }
}

/// How many times each element was released, indexed by its value.
final class ReleaseLog: Sendable {
    let counts: StateLock<[UInt8]>  // not `Mutex`: see `Results`
    init(count: Int) { counts = StateLock([UInt8](repeating: 0, count: count)) }
}

/// An element that records its release, so a test can check each was released once.
final class ReleaseCounted: Sendable, Comparable {
    let value: Int
    let log: ReleaseLog
    init(_ value: Int, log: ReleaseLog) {
        self.value = value
        self.log = log
    }
    deinit { log.counts.withLock { $0[value] &+= 1 } }
    static func < (a: ReleaseCounted, b: ReleaseCounted) -> Bool { a.value < b.value }
    static func == (a: ReleaseCounted, b: ReleaseCounted) -> Bool { a.value == b.value }
}
