import Testing
import ThreadingTestSupport

@testable import Threading

/// `SemaphoreState` on its own: every event sequence up to a bound, checked against a
/// model (free permits, a FIFO of listed waiter ids, and the woken ones on their way).
@Suite(.hangGuard)
struct SemaphoreStateTests {
    enum Event: CaseIterable {
        case acquire, tryAcquire, release1, release2
        case retryStaying, retryLeaving
        case withdrawOldest, withdrawNewest, withdrawWoken, withdrawUnknown
    }

    struct Model {
        var value: Int
        var waiting: [UInt64] = []
        var woken: [UInt64] = []
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
                // A newcomer takes a free permit even while others are listed or woken.
                #expect(state.tryAcquire() == (model.value > 0))
                if model.value > 0 { model.value -= 1 }
            case .release1, .release2:
                let n = event == .release1 ? 1 : 2
                switch state.release(n) {
                case .released(let wake):
                    #expect(!bounded || model.value + n <= initial)
                    model.value += n
                    // Wake one listed waiter per free permit no woken waiter is coming for.
                    let woke = max(0, min(model.waiting.count, model.value - model.woken.count))
                    #expect(wake.map(\.id) == Array(model.waiting.prefix(woke)))
                    model.woken += model.waiting.prefix(woke)
                    model.waiting.removeFirst(woke)
                case .tooManyReleases:
                    #expect(bounded && model.value + n > initial)
                case .overflow:
                    Issue.record("no overflow at these values")
                }
            case .retryStaying, .retryLeaving:
                guard let id = model.woken.first else { return }
                model.woken.removeFirst()
                let staying = event == .retryStaying
                let again = Waiter(id: id, handle: .thread(TestWaiters.parker))
                let took = state.retry(relisting: staying ? again : nil)
                #expect(took == (model.value > 0))
                if took {
                    model.value -= 1
                } else if staying {
                    model.waiting.insert(id, at: 0)  // it has waited longest
                }
            case .withdrawOldest, .withdrawNewest:
                guard let id = event == .withdrawOldest ? model.waiting.first : model.waiting.last else {
                    return
                }
                #expect(state.withdraw(id: id)?.id == id)
                model.waiting.removeAll { $0 == id }
                #expect(state.withdraw(id: id) == nil)  // a second time: already gone
            case .withdrawWoken:
                // Woken already: not listed, so it must retry (it stays in the model's woken).
                guard let id = model.woken.first else { return }
                #expect(state.withdraw(id: id) == nil)
            case .withdrawUnknown:
                #expect(state.withdraw(id: 0) == nil)
            }
            #expect(state.value == model.value)
            #expect(state.waiterCount == model.waiting.count)
            #expect(state.wokenCount == model.woken.count)
            #expect(state.checkInvariants())
            // Never a free permit left behind a sleeping waiter with no one coming for it.
            #expect(model.waiting.isEmpty || model.woken.count >= model.value)
        }
        #expect(count > 10_000)
    }

    /// A newcomer can take the permit a woken waiter was coming for; the waiter then waits
    /// again ahead of everyone, and the next release wakes it first.
    @Test func wokenWaiterOvertakenByNewcomerWaitsAgainFirst() {
        var state = SemaphoreState(value: 0, bounded: false)
        let first = TestWaiters.make()
        let second = TestWaiters.make()
        let listed = [state.acquire(first), state.acquire(second)]
        #expect(listed == [.listed, .listed])
        guard case .released(let wake) = state.release(1) else { return }
        #expect(wake.map(\.id) == [first.id])
        let newcomerTook = state.tryAcquire()
        let firstTook = state.retry(relisting: first)
        #expect(newcomerTook && !firstTook)
        guard case .released(let next) = state.release(1) else { return }
        #expect(next.map(\.id) == [first.id])
        let firstTookNext = state.retry(relisting: first)
        #expect(firstTookNext)
        #expect(state.waiterCount == 1)
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
