import Testing
import ThreadingTestSupport

@testable import Threading

/// `BarrierState` on its own: every event sequence up to a bound, checked against a
/// model of CPython's barrier (phase, arrival order, each woken waiter's outcome).
@Suite(.hangGuard)
struct BarrierStateTests {
    enum Event: CaseIterable {
        case arrive, actionFinished, withdrawOldest, withdrawNewest, withdrawUnknown, abort, reset, collectAll
    }

    struct Model {
        var phase = BarrierState.Phase.filling
        var arrived: [UInt64] = []
        var entering: [UInt64] = []
        var outcomes: [UInt64: BarrierState.Outcome] = [:]
    }

    @Test(arguments: [1, 2, 3])
    func everySequence(parties: Int) {
        let start = (BarrierState(parties: parties), Model())
        let count = exhaustively(from: start, events: Event.allCases, depth: 6) { state, model, event in
            switch event {
            case .arrive:
                let waiter = TestWaiters.make()
                switch state.arrive(waiter) {
                case .broken:
                    #expect(model.phase == .broken)
                case .enterLater:
                    guard case .draining = model.phase else {
                        Issue.record("enterLater while \(model.phase)")
                        return
                    }
                    model.entering.append(waiter.id)
                case .wait(let index):
                    #expect(model.phase == .filling)
                    #expect(index == model.arrived.count)
                    #expect(index < parties - 1)
                    model.arrived.append(waiter.id)
                case .trip(let index, let release):
                    #expect(model.phase == .filling)
                    #expect(index == parties - 1)
                    #expect(release.map(\.id) == model.arrived)
                    for id in model.arrived { model.outcomes[id] = .passed }
                    model.arrived = []
                    model.phase = .draining(thenBroken: false)
                }
            case .actionFinished:
                // Only the tripping party calls it, while draining.
                guard case .draining(let thenBroken) = model.phase else { return }
                #expect(state.actionFinished().map(\.id) == model.entering)
                model.entering = []
                model.phase = thenBroken ? .broken : .filling
            case .withdrawOldest, .withdrawNewest, .withdrawUnknown:
                let id: UInt64? =
                    switch event {
                    case .withdrawOldest: model.arrived.first
                    case .withdrawNewest: model.arrived.last
                    default: 0
                    }
                guard let id else { return }
                switch state.withdraw(id: id) {
                case .broke(let wake):
                    #expect(model.arrived.contains(id))
                    let others = model.arrived.filter { $0 != id }
                    #expect(wake.map(\.id) == others)
                    for other in others { model.outcomes[other] = .broken }
                    model.arrived = []
                    model.phase = .broken
                case .alreadyWoken:
                    #expect(!model.arrived.contains(id))
                }
            case .abort:
                let woken = state.abort().map(\.id)
                switch model.phase {
                case .filling:
                    #expect(woken == model.arrived)
                    for id in model.arrived { model.outcomes[id] = .broken }
                    model.arrived = []
                    model.phase = .broken
                case .draining:
                    #expect(woken.isEmpty)
                    model.phase = .draining(thenBroken: true)
                case .broken:
                    #expect(woken.isEmpty)
                }
            case .reset:
                let woken = state.reset().map(\.id)
                switch model.phase {
                case .filling:
                    #expect(woken == model.arrived)
                    for id in model.arrived { model.outcomes[id] = .broken }
                    model.arrived = []
                case .draining:
                    #expect(woken.isEmpty)
                    model.phase = .draining(thenBroken: false)
                case .broken:
                    #expect(woken.isEmpty)
                    model.phase = .filling
                }
            case .collectAll:
                for (id, outcome) in model.outcomes {
                    #expect(state.collect(id: id) == outcome)
                    #expect(state.collect(id: id) == nil)
                }
                model.outcomes = [:]
            }
            #expect(state.phase == model.phase)
            #expect(state.outcomes == model.outcomes)
            #expect(state.waitingCount == (model.phase == .filling ? model.arrived.count : 0))
            #expect(state.isBroken == (model.phase == .broken || model.phase == .draining(thenBroken: true)))
            #expect(state.checkInvariants())
        }
        #expect(count > 100_000)
    }
}
