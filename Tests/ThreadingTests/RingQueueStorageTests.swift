import Foundation
import Testing
import ThreadingTestSupport

@testable import Threading

/// The lock-free ring behind a bounded `Queue`, at the spots a conformance test cannot
/// reach on purpose: a put that has claimed its slot but not yet published it when the
/// queue is shut down, and capacities that are not powers of two.
@Suite(.hangGuard)
struct RingQueueStorageTests {
    @Test func boundedQueuesUseTheRingAndUnboundedOnesTheLock() {
        #expect(Queue<Int>(maxsize: 3).storage.ring != nil, "a bounded queue keeps a ring")
        #expect(Queue<Int>().storage.fifo != nil, "an unbounded queue keeps a locked buffer")
        let huge = RingQueueStorage<Int>.maxCapacity + 1
        #expect(Queue<Int>(maxsize: huge).storage.ring == nil, "no huge ring is allocated")
        #expect(LifoQueue<Int>().storage.backend is QueueStorage<LIFOBuffer<Int>>)
    }

    @Test(arguments: [1, 3, 4, 7])
    func itemsComeOutInOrderOverManyLaps(capacity: Int) throws {
        let ring = RingQueueStorage<Int>(capacity: capacity)
        var next = 0
        var expected = 0
        for _ in 0..<20 {
            while try ring.tryPut(next) { next += 1 }
            #expect(ring.count == capacity && ring.isFull)
            while let item = try ring.tryGet() {
                #expect(item == expected)
                expected += 1
            }
            #expect(ring.isEmpty)
        }
        #expect(expected == next && next == capacity * 20)
        #expect(ring.unfinishedTasks == next)
    }

    /// The ring keeps each item in an `Optional` slot; an item that is itself `nil` is
    /// still an item, not an empty slot.
    @Test func nilItemsAreItems() throws {
        let q = Queue<Int?>(maxsize: 2)
        try q.putNowait(nil)
        try q.putNowait(7)
        #expect(q.isFull)
        #expect(try q.getNowait() == .some(nil))
        #expect(try q.getNowait() == 7)
        #expect(throws: QueueError.empty) { try q.getNowait() }
    }

    /// A put that claimed its slot before an immediate shutdown counts as put before it;
    /// the shutdown drops it (counted as done) and the put releases its item exactly once
    /// when it tries to publish.
    @Test func anImmediateShutdownDropsASlotStillBeingFilled() throws {
        let live = LiveCount()
        let ring = RingQueueStorage<QueueTracked>(capacity: 4)
        try #require(try ring.tryPut(QueueTracked(0, live: live)))
        guard case .claimed(let position) = ring.claim() else {
            Issue.record("no slot claimed")
            return
        }
        #expect(ring.unfinishedTasks == 2 && ring.count == 2)
        ring.shutdown(immediate: true)
        // The published item is released by the shutdown, the claimed one not yet made.
        #expect(live.count == 0)
        #expect(ring.count == 0 && ring.isEmpty && ring.unfinishedTasks == 0)
        ring.fill(position, with: QueueTracked(1, live: live))
        #expect(live.count == 0)
        #expect(ring.count == 0 && ring.unfinishedTasks == 0)
        #expect(throws: QueueError.shutDown) { try ring.tryGet() }
        #expect(throws: QueueError.shutDown) { try ring.tryPut(QueueTracked(2, live: live)) }
        #expect(live.count == 0)
        ring.join()  // nothing unfinished: returns at once
    }

    /// After a normal shutdown a get waits for an item whose put claimed its slot before
    /// the shutdown; every getter waiting for it ends, one with the item, the others with
    /// `.shutDown`.
    @Test func gettersWaitForASlotStillBeingFilledAfterANormalShutdown() throws {
        let ring = RingQueueStorage<Int>(capacity: 2)
        guard case .claimed(let position) = ring.claim() else {
            Issue.record("no slot claimed")
            return
        }
        ring.shutdown(immediate: false)
        #expect(throws: QueueError.empty) { try ring.get(deadline: nil) }
        let results = Results<String>()
        let getters = try (0..<3).map { _ in
            try spawn {
                do {
                    results.append("item \(try ring.get(deadline: .never))")
                } catch {
                    results.append("\(error)")
                }
            }
        }
        waitUntil("ring.waitingCounts.getters == 3") { ring.waitingCounts.getters == 3 }
        ring.fill(position, with: 42)
        if ring.hasSleeping(RingQueueStorage<Int>.sleepingGetters) { ring.wakeGetter() }
        try joinAll(getters)
        #expect(
            results.all.sorted() == ["item 42", "\(QueueError.shutDown)", "\(QueueError.shutDown)"].sorted())
        #expect(ring.waitingCounts.getters == 0)
    }

    /// More `taskDone` calls than items got are allowed while items are unfinished; an
    /// immediate shutdown then counts the dropped items as done, never below zero.
    @Test func droppedItemsNeverMakeTheCountNegative() throws {
        let ring = RingQueueStorage<Int>(capacity: 4)
        for i in 0..<3 { try #require(try ring.tryPut(i)) }
        try ring.taskDone()
        try ring.taskDone()
        #expect(ring.unfinishedTasks == 1)
        ring.shutdown(immediate: true)
        #expect(ring.unfinishedTasks == 0)
        #expect(throws: QueueError.tooManyTaskDone) { try ring.taskDone() }
    }

    /// The sleeper counts mirror the waiter lists, so a put or get looks for a sleeper
    /// with one load and takes the lock only when one is listed.
    @Test func sleeperCountsMirrorTheLists() throws {
        let ring = RingQueueStorage<Int>(capacity: 1)
        let getter = try spawn { _ = try? ring.get(deadline: .never) }
        waitUntil("ring.hasSleeping(RingQueueStorage<Int>.sleepingGetters)") {
            ring.hasSleeping(RingQueueStorage<Int>.sleepingGetters)
        }
        try #require(try ring.tryPut(1))
        try joinAll([getter])
        #expect(!ring.hasSleeping(RingQueueStorage<Int>.sleepingGetters))
        try #require(try ring.tryPut(2))
        #expect(throws: QueueError.full) { try ring.put(3, deadline: .after(.milliseconds(10))) }
        #expect(!ring.hasSleeping(RingQueueStorage<Int>.sleepingPutters))
        #expect(try ring.tryGet() == 2)
    }

    /// Puts, gets and a shutdown racing on a two-slot ring, many times, so a shutdown often
    /// lands between a put's claim and its publish: every put that returned was got
    /// exactly once, unless an immediate shutdown dropped it; every element is released
    /// exactly once; afterwards nothing is left, unfinished or waiting.
    @Test(arguments: [false, true])
    func shutdownRacingPutsAndGets(immediate: Bool) throws {
        for round in 0..<Stress.size(200) {
            let live = LiveCount()
            let q = Queue<QueueTracked>(maxsize: 2)
            let putsDone = Results<Int>()
            let got = Results<Int>()
            let producers = try (0..<3).map { p in
                try spawn {
                    for i in stride(from: p, to: 3_000, by: 3) {
                        do { try q.put(QueueTracked(i, live: live)) } catch { return }
                        putsDone.append(i)
                    }
                }
            }
            let consumers = try (0..<2).map { _ in
                try spawn {
                    while let item = try? q.get() {
                        got.append(item.value)
                        try? q.taskDone()
                    }
                }
            }
            // Let some items through, then shut down in the middle of the traffic.
            waitUntil("got.all.count >= 50 + round % 50") { got.all.count >= 50 + round % 50 }
            q.shutdown(immediate: immediate)
            try joinAll(producers + consumers)
            let gotItems = got.all
            #expect(Set(gotItems).count == gotItems.count, "an item was got twice")
            #expect(Set(gotItems).isSubset(of: Set(putsDone.all)), "an item was got that no put made")
            if !immediate {
                #expect(gotItems.count == putsDone.all.count, "an item put before a normal shutdown was lost")
            }
            #expect(q.count == 0 && q.unfinishedTasks == 0)
            #expect(q.waiting.getters == 0 && q.waiting.putters == 0)
            #expect(live.count == 0, "round \(round): \(live.count) elements not released exactly once")
        }
    }
}
