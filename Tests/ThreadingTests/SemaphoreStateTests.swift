import Testing

@testable import Threading

/// `SemaphoreState` on its own: every event sequence up to a bound, checked against a
/// model (free permits and a FIFO of waiter ids).
@Suite(.timeLimit(.minutes(1)))
struct SemaphoreStateTests {
    enum Event: CaseIterable {
        case acquire, tryAcquire, release1, release2, withdrawOldest, withdrawNewest, withdrawUnknown
    }

    struct Model {
        var value: Int
        var waiting: [UInt64] = []
    }

    @Test(arguments: [0, 1, 2], [false, true])
    func everySequence(initial: Int, bounded: Bool) {
        let start = (SemaphoreState(value: initial, bounded: bounded), Model(value: initial))
        let count = exhaustively(from: start, events: Event.allCases, depth: 5) { state, model, event in
            switch event {
            case .acquire:
                let waiter = TestWaiters.make()
                let result = state.acquire(waiter)
                if model.value > 0 {
                    #expect(result == .proceed)
                    model.value -= 1
                } else {
                    #expect(result == .listed)
                    model.waiting.append(waiter.id)
                }
            case .tryAcquire:
                #expect(state.tryAcquire() == (model.value > 0))
                if model.value > 0 { model.value -= 1 }
            case .release1, .release2:
                let n = event == .release1 ? 1 : 2
                switch state.release(n) {
                case .released(let wake):
                    #expect(!bounded || model.value + n <= initial)
                    let handed = min(n, model.waiting.count)
                    #expect(wake.map(\.id) == Array(model.waiting.prefix(handed)))
                    model.waiting.removeFirst(handed)
                    model.value += n - handed
                case .tooManyReleases:
                    #expect(bounded && model.value + n > initial)
                case .overflow:
                    Issue.record("no overflow at these values")
                }
            case .withdrawOldest, .withdrawNewest:
                guard let id = event == .withdrawOldest ? model.waiting.first : model.waiting.last else {
                    return
                }
                #expect(state.withdraw(id: id)?.id == id)
                model.waiting.removeAll { $0 == id }
                #expect(state.withdraw(id: id) == nil)  // a second time: already gone
            case .withdrawUnknown:
                #expect(state.withdraw(id: 0) == nil)
            }
            #expect(state.value == model.value)
            #expect(state.waiterCount == model.waiting.count)
            #expect(state.checkInvariants())
        }
        #expect(count > 10_000)
    }

    @Test func releaseOverflowChangesNothing() {
        var state = SemaphoreState(value: Int.max, bounded: false)
        guard case .overflow = state.release(1) else {
            Issue.record("expected .overflow")
            return
        }
        #expect(state.value == Int.max)
    }
}
