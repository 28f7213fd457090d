import Testing
import ThreadingTestSupport

@testable import Threading

/// `RingPositions` and `RingQueueState` without threads: every sequence of events up to a
/// small bound against a model.
@Suite(.hangGuard)
struct RingQueueStateTests {
    // MARK: RingPositions

    @Test(arguments: [1, 2, 3, 4, 5, 8])
    func cellsWrapAroundForAnyCapacity(capacity: Int) {
        let ring = RingPositions(capacity: capacity)
        for position in 0..<(capacity * 5) {
            #expect(ring.cell(of: position) == position % capacity)
        }
    }

    /// What each position is in the model of a ring.
    enum Slot: Equatable {
        case claimedPut, published, claimedGet, freed, abandoned
    }

    /// A single-threaded model of the ring: the sequence numbers the real one would hold
    /// after each event, and what each position is.
    struct Model {
        let ring: RingPositions
        var sequences: [Int]
        var slots: [Slot] = []  // by position
        var dequeue = 0
        var shutDown = false

        init(capacity: Int) {
            ring = RingPositions(capacity: capacity)
            sequences = (0..<capacity).map(RingPositions.free(for:))
        }

        var enqueue: Int { slots.count }
        var enqueueWord: Int { enqueue | (shutDown ? RingPositions.shutDownBit : 0) }

        /// The put at `enqueue` may claim iff the position a lap ago was freed.
        var roomExpected: Bool {
            enqueue < ring.capacity || slots[enqueue - ring.capacity] == .freed
        }

        func putTurn() -> RingPositions.PutTurn {
            ring.putTurn(sequence: sequences[ring.cell(of: enqueue)], position: enqueue)
        }

        func getTurn() -> RingPositions.GetTurn {
            ring.getTurn(sequence: sequences[ring.cell(of: dequeue)], position: dequeue)
        }

        enum Event: CaseIterable {
            case claimPut, publishOldest, publishNewest, claimGet, freeOldest, freeNewest, shutdownNow
        }

        /// Applies `event` if the real ring would allow it; `false` if it does not apply.
        mutating func apply(_ event: Event) -> Bool {
            switch event {
            case .claimPut:
                guard !shutDown, putTurn() == .claim else { return false }
                slots.append(.claimedPut)
            case .publishOldest, .publishNewest:
                let candidates = slots.indices.filter { slots[$0] == .claimedPut }
                guard let p = event == .publishOldest ? candidates.first : candidates.last else {
                    return false
                }
                if sequences[ring.cell(of: p)] == RingPositions.abandoned {
                    // The put's publishing CAS fails: it keeps (and releases) its item.
                    slots[p] = .abandoned
                } else {
                    #expect(sequences[ring.cell(of: p)] == RingPositions.free(for: p))
                    sequences[ring.cell(of: p)] = RingPositions.published(at: p)
                    slots[p] = .published
                }
            case .claimGet:
                guard getTurn() == .claim else { return false }
                slots[dequeue] = .claimedGet
                dequeue += 1
            case .freeOldest, .freeNewest:
                let candidates = slots.indices.filter { slots[$0] == .claimedGet }
                guard let p = event == .freeOldest ? candidates.first : candidates.last else { return false }
                sequences[ring.cell(of: p)] = ring.freed(after: p)
                slots[p] = .freed
            case .shutdownNow:
                guard !shutDown else { return false }
                shutDown = true
                // `dropAll`: every position no get claimed, published or still filling.
                for p in dequeue..<enqueue {
                    let cell = ring.cell(of: p)
                    if sequences[cell] == RingPositions.free(for: p) {
                        sequences[cell] = RingPositions.abandoned
                    } else {
                        #expect(sequences[cell] == RingPositions.published(at: p))
                        sequences[cell] = ring.freed(after: p)
                        slots[p] = .freed
                    }
                }
                dequeue = enqueue
            }
            return true
        }

        func check() {
            if !shutDown {
                #expect(putTurn() == (roomExpected ? .claim : .full))
            }
            let published = dequeue < enqueue && slots[dequeue] == .published
            #expect(getTurn() == (published ? .claim : .unpublished))
            // A get at the dequeue position ends only when nothing can come any more.
            let drained = RingPositions.isDrained(at: dequeue, enqueueWord: enqueueWord)
            #expect(drained == (shutDown && dequeue == enqueue))
            #expect(ring.count(dequeue: dequeue, enqueueWord: enqueueWord) == enqueue - dequeue)
        }
    }

    /// Every sequence of up to 6 events on rings of 1–3 slots: the turns the real ring
    /// reads from its sequence numbers match the model (room iff the slot a lap ago was
    /// freed; an item iff the position is published; the end iff shut down and drained).
    @Test(arguments: [1, 2, 3])
    func turnsMatchTheModel(capacity: Int) {
        var frontier = [Model(capacity: capacity)]
        var visited = 0
        for _ in 0..<6 {
            var next: [Model] = []
            for model in frontier {
                for event in Model.Event.allCases {
                    var copy = model
                    guard copy.apply(event) else { continue }
                    copy.check()
                    next.append(copy)
                    visited += 1
                }
            }
            frontier = next
        }
        #expect(visited > 20)
    }

    @Test func aStaleGetPositionIsBehind() {
        let ring = RingPositions(capacity: 2)
        // Position 0 was published and got, its cell freed for position 2.
        #expect(ring.getTurn(sequence: ring.freed(after: 0), position: 0) == .behind)
        // Position 0 was claimed and published while this put still read position 0.
        #expect(ring.putTurn(sequence: RingPositions.published(at: 0), position: 0) == .behind)
    }

    @Test func unfinishedCountsEveryClaimedPut() {
        let word = 5 | RingPositions.shutDownBit
        #expect(RingPositions.unfinished(done: 2, enqueueWord: 5) == 3)
        #expect(RingPositions.unfinished(done: 2, enqueueWord: word) == 3)
        #expect(RingPositions.unfinished(done: 5, enqueueWord: word) == 0)
        // Dropped items count as done, never beyond the puts.
        #expect(RingPositions.done(2, afterDropping: 3, enqueueWord: word) == 5)
        #expect(RingPositions.done(4, afterDropping: 3, enqueueWord: word) == 5)
        #expect(RingPositions.isShutDown(word) && !RingPositions.isShutDown(5))
        #expect(RingPositions.position(word) == 5)
    }

    @Test func countIsClampedToTheRing() {
        let ring = RingPositions(capacity: 4)
        // A dequeue counter read before the enqueue word: puts may have run ahead.
        #expect(ring.count(dequeue: 0, enqueueWord: 9) == 4)
        #expect(ring.count(dequeue: 3, enqueueWord: 3) == 0)
    }

    // MARK: RingQueueState

    static func waiter() -> Waiter {
        Waiter(id: Waiter.nextID(), handle: .thread(ThreadParker()))
    }

    enum Event: CaseIterable {
        case listGetter, listPutter, listJoiner, withdrawOldest, wakeGetter, wakePutter, allDone, shutdown,
            shutdownNothingUnfinished
    }

    /// Every sequence of up to 5 events: the sizes handed out always match the lists, the
    /// waiters woken are the oldest of their kind, a shutdown wakes every getter and putter
    /// (and every joiner when nothing is unfinished), and no putter is listed after it.
    @Test func everySequenceKeepsSizesAndOrder() {
        struct Harness {
            var state = RingQueueState()
            var listed: [(id: UInt64, kind: RingQueueState.Kind)] = []

            func ids(_ kind: RingQueueState.Kind) -> [UInt64] {
                listed.filter { $0.kind == kind }.map(\.id)
            }

            func expectSizes(_ sizes: RingQueueState.Sizes) {
                #expect(sizes == state.sizes)
                #expect(sizes.getters == ids(.getter).count)
                #expect(sizes.putters == ids(.putter).count)
                #expect(sizes.joiners == ids(.joiner).count)
            }

            mutating func list(_ kind: RingQueueState.Kind) -> Bool {
                if kind == .putter && state.phase == .shutDown { return false }  // a put throws
                let w = RingQueueStateTests.waiter()
                let sizes = state.list(w, as: kind)
                listed.append((w.id, kind))
                expectSizes(sizes)
                return true
            }

            mutating func wake(_ kind: RingQueueState.Kind) {
                let oldest = ids(kind).first
                switch state.wakeOne(kind) {
                case .wake(let w, let sizes):
                    #expect(w.id == oldest)
                    listed.removeAll { $0.id == w.id }
                    expectSizes(sizes)
                case .nobody:
                    #expect(oldest == nil)
                }
            }

            mutating func apply(_ event: Event) -> Bool {
                switch event {
                case .listGetter: return list(.getter)
                case .listPutter: return list(.putter)
                case .listJoiner: return list(.joiner)
                case .withdrawOldest:
                    guard let first = listed.first else { return false }
                    let (w, sizes) = state.withdraw(id: first.id, as: first.kind)
                    #expect(w?.id == first.id)
                    listed.removeFirst()
                    expectSizes(sizes)
                    // A second withdrawal finds it gone: a waker chose it, or it left.
                    #expect(state.withdraw(id: first.id, as: first.kind).0 == nil)
                case .wakeGetter: wake(.getter)
                case .wakePutter: wake(.putter)
                case .allDone:
                    let expected = ids(.joiner)
                    let (woken, sizes) = state.allTasksDone()
                    #expect(woken.map(\.id) == expected)
                    listed.removeAll { $0.kind == .joiner }
                    expectSizes(sizes)
                case .shutdown, .shutdownNothingUnfinished:
                    let all = event == .shutdownNothingUnfinished
                    let expected = ids(.getter) + ids(.putter) + (all ? ids(.joiner) : [])
                    let (woken, sizes) = state.shutdown(nothingUnfinished: all)
                    #expect(woken.map(\.id) == expected)
                    listed.removeAll { $0.kind != .joiner || all }
                    expectSizes(sizes)
                    #expect(state.phase == .shutDown)
                }
                return true
            }
        }

        var frontier = [Harness()]
        var steps = 0
        for _ in 0..<5 {
            var next: [Harness] = []
            for harness in frontier {
                for event in Event.allCases {
                    var copy = harness
                    guard copy.apply(event) else { continue }
                    #expect(copy.state.checkInvariants())
                    next.append(copy)
                    steps += 1
                }
            }
            frontier = next
        }
        #expect(steps > 500)
    }
}
