import Testing
import ThreadingTestSupport

@testable import ThreadLab

@Suite("GILState", .hangGuard)
struct GILStateTests {
    typealias State = GILState<Int>

    @Test func freeGILIsTakenAtOnce() {
        var state = State()
        guard case .acquired = state.take(id: 1, token: 1) else {
            Issue.record("a free GIL must be taken at once")
            return
        }
        #expect(state.holding == .held(by: 1))
        #expect(state.switchNumber == 1)
        #expect(state.checkInvariants())
    }

    @Test func waiterAsksForADropOnlyAfterAQuietInterval() {
        var state = State()
        _ = state.take(id: 1, token: 1)
        guard case .mustWait(let seen) = state.take(id: 2, token: 2) else {
            Issue.record("a held GIL makes the second thread wait")
            return
        }
        #expect(!state.dropRequested)
        #expect(state.timedOut(id: 2, seen: seen) == .keepWaiting(seen: seen))
        #expect(state.dropRequested)
        #expect(state.dropRequests == 1)
        #expect(state.checkInvariants())
    }

    @Test func noDropRequestWhenASwitchHappenedDuringTheInterval() {
        var state = State()
        _ = state.take(id: 1, token: 1)
        _ = state.take(id: 2, token: 2)
        guard case .mustWait(let seen) = state.take(id: 3, token: 3) else {
            Issue.record("must wait")
            return
        }
        // Thread 1 hands over to 2: a switch happened during 3's interval.
        guard case .handedOver(let token) = state.drop(id: 1) else {
            Issue.record("a waiter was queued")
            return
        }
        #expect(token == 2)
        #expect(state.timedOut(id: 3, seen: seen) == .keepWaiting(seen: seen + 1))
        #expect(!state.dropRequested)
        #expect(state.checkInvariants())
    }

    @Test func dropHandsOverToTheFirstWaiterInOrder() {
        var state = State()
        _ = state.take(id: 1, token: 10)
        _ = state.take(id: 2, token: 20)
        _ = state.take(id: 3, token: 30)
        var order: [Int] = []
        var holder: UInt64 = 1
        while case .handedOver(let token) = state.drop(id: holder) {
            order.append(token)
            holder = UInt64(token / 10)
            #expect(state.holding == .held(by: holder))
            #expect(state.checkInvariants())
        }
        #expect(order == [20, 30])
        #expect(state.holding == .free)
        #expect(state.forcedSwitches == 2)
    }

    @Test func aHandedOverWaiterSeesItOnTimeout() {
        var state = State()
        _ = state.take(id: 1, token: 1)
        guard case .mustWait(let seen) = state.take(id: 2, token: 2) else { return }
        _ = state.drop(id: 1)
        #expect(state.timedOut(id: 2, seen: seen) == .acquired)
    }

    @Test func dropByANonHolderChangesNothing() {
        var state = State()
        guard case .notHeld = state.drop(id: 7) else {
            Issue.record("nobody holds it")
            return
        }
        _ = state.take(id: 1, token: 1)
        guard case .notHeld = state.drop(id: 2) else {
            Issue.record("2 does not hold it")
            return
        }
        #expect(state.holding == .held(by: 1))
    }

    /// Every sequence of events up to length 6 over three threads keeps the invariants, and
    /// at most one thread ever holds the GIL.
    @Test func exhaustiveSequencesKeepTheInvariants() {
        enum Step: CaseIterable { case take1, take2, take3, drop1, drop2, drop3, timeout2, timeout3 }
        func explore(_ state: State, waiting: Set<UInt64>, seen: [UInt64: UInt64], depth: Int) {
            guard depth > 0 else { return }
            for step in Step.allCases {
                var next = state
                var waitingNext = waiting
                var seenNext = seen
                switch step {
                case .take1, .take2, .take3:
                    let id: UInt64 = step == .take1 ? 1 : step == .take2 ? 2 : 3
                    if next.holding == .held(by: id) || waiting.contains(id) { continue }
                    if case .mustWait(let s) = next.take(id: id, token: Int(id)) {
                        waitingNext.insert(id)
                        seenNext[id] = s
                    }
                case .drop1, .drop2, .drop3:
                    let id: UInt64 = step == .drop1 ? 1 : step == .drop2 ? 2 : 3
                    if case .handedOver(let token) = next.drop(id: id) {
                        waitingNext.remove(UInt64(token))
                    }
                case .timeout2, .timeout3:
                    let id: UInt64 = step == .timeout2 ? 2 : 3
                    guard waiting.contains(id), let s = seen[id] else { continue }
                    if case .keepWaiting(let s2) = next.timedOut(id: id, seen: s) { seenNext[id] = s2 }
                }
                #expect(next.checkInvariants())
                #expect(next.waitingCount == waitingNext.count)
                explore(next, waiting: waitingNext, seen: seenNext, depth: depth - 1)
            }
        }
        explore(State(), waiting: [], seen: [:], depth: 6)
    }
}
