import Testing
import ThreadingTestSupport

@testable import Threading

/// `ConditionState` on its own: every event sequence up to a bound, checked against a
/// FIFO of waiter ids.
@Suite(.hangGuard)
struct ConditionStateTests {
    enum Event: CaseIterable {
        case wait, notify0, notify1, notify2, notifyAll, withdrawOldest, withdrawNewest, withdrawUnknown
    }

    @Test func everySequence() {
        let count = exhaustively(from: (ConditionState(), [UInt64]()), events: Event.allCases, depth: 5) {
            state, waiting, event in
            switch event {
            case .wait:
                let waiter = TestWaiters.make()
                #expect(state.wait(waiter) == .listed)
                waiting.append(waiter.id)
            case .notify0, .notify1, .notify2:
                let n = event == .notify0 ? 0 : event == .notify1 ? 1 : 2
                let woken = state.notify(n).map(\.id)
                let expected = Array(waiting.prefix(n))
                #expect(woken == expected)
                waiting.removeFirst(expected.count)
            case .notifyAll:
                #expect(state.notifyAll().map(\.id) == waiting)
                waiting.removeAll()
            case .withdrawOldest, .withdrawNewest:
                guard let id = event == .withdrawOldest ? waiting.first : waiting.last else { return }
                #expect(state.withdraw(id: id)?.id == id)
                waiting.removeAll { $0 == id }
                #expect(state.withdraw(id: id) == nil)
            case .withdrawUnknown:
                #expect(state.withdraw(id: 0) == nil)
            }
            #expect(state.waiterCount == waiting.count)
            #expect(state.checkInvariants())
        }
        #expect(count > 10_000)
    }
}
