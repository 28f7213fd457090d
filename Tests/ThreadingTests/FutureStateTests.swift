import Testing
import ThreadingTestSupport

@testable import Threading

/// FutureState without threads: every sequence of events up to a small length, checking
/// the actions against a simple model and the invariants after each step.
@Suite(.hangGuard)
struct FutureStateTests {
    enum Event: CaseIterable {
        case cancel, setRunning, succeed, fail, wait, withdraw, addCallback, removeCallback
        case takeWork, completeQuietly
    }

    enum ModelPhase: Equatable { case pending, running, cancelled, finished }

    /// Checks one sequence of events against the model.
    func check(_ events: [Event]) {
        var state = FutureState<Int>(work: { 1 })
        var model = ModelPhase.pending
        var workTaken = false
        var listedWaiters: [UInt64] = []
        var listedCallbacks: [UInt64] = []
        var nextID: UInt64 = 1
        for event in events {
            let final = model == .cancelled || model == .finished
            switch event {
            case .cancel:
                switch state.cancel() {
                case .cancelled(let wakeups):
                    #expect(model == .pending)
                    #expect((wakeups?.waiters.count ?? 0) == listedWaiters.count)
                    #expect((wakeups?.callbacks.map(\.id) ?? []) == listedCallbacks)
                    listedWaiters = []
                    listedCallbacks = []
                    model = .cancelled
                    workTaken = true
                case .alreadyCancelled: #expect(model == .cancelled)
                case .refused: #expect(model == .running || model == .finished)
                }
            case .setRunning:
                let action = state.setRunning()
                switch model {
                case .pending:
                    #expect(action == .run)
                    model = .running
                    workTaken = true
                case .cancelled: #expect(action == .cancelled)
                case .running, .finished: #expect(action == .invalid)
                }
            case .succeed, .fail:
                let outcome: FutureOutcome<Int> = event == .succeed ? .success(7) : .failure(TimeoutError())
                switch state.complete(outcome) {
                case .completed(let wakeups):
                    #expect(!final)
                    #expect((wakeups?.waiters.count ?? 0) == listedWaiters.count)
                    #expect((wakeups?.callbacks.map(\.id) ?? []) == listedCallbacks)
                    listedWaiters = []
                    listedCallbacks = []
                    model = .finished
                case .invalid: #expect(final)
                }
            case .wait:
                let id = nextID
                nextID += 1
                let registration = state.wait(Waiter(id: id, handle: .thread(ThreadParker())))
                #expect(registration == (final ? .proceed : .listed))
                if !final { listedWaiters.append(id) }
            case .withdraw:
                if let first = listedWaiters.first {
                    #expect(state.withdraw(id: first)?.id == first)
                    listedWaiters.removeFirst()
                } else {
                    #expect(state.withdraw(id: 999) == nil)
                }
            case .addCallback:
                let id = nextID
                nextID += 1
                #expect(state.addCallback(id: id) { _ in } == !final)
                if !final { listedCallbacks.append(id) }
            case .takeWork:
                let work = state.takeWork()
                #expect((work != nil) == (model == .pending && !workTaken))
                if work != nil {
                    model = .running
                    workTaken = true
                }
            case .completeQuietly:
                let quiet = state.completeQuietly(.success(2))
                let expected = !final && listedWaiters.isEmpty && listedCallbacks.isEmpty
                #expect(quiet == expected)
                if quiet { model = .finished }
            case .removeCallback:
                if let last = listedCallbacks.last {
                    state.removeCallback(id: last)
                    listedCallbacks.removeLast()
                }
            }
            #expect(state.checkInvariants())
            if model != .pending { #expect(state.work == nil) }
            #expect(state.isDone == (model == .cancelled || model == .finished))
            #expect(state.isRunning == (model == .running))
            #expect(state.isCancelled == (model == .cancelled))
            #expect(state.waiterCount == listedWaiters.count)
            #expect(state.callbackCount == listedCallbacks.count)
            switch (model, state.outcome) {
            case (.pending, nil), (.running, nil), (.cancelled, .cancelled?), (.finished, .success?),
                (.finished, .failure?):
                break
            default: Issue.record("phase \(model) with outcome \(String(describing: state.outcome))")
            }
        }
    }

    @Test func everySequenceUpToFourEvents() {
        var sequences: [[Event]] = [[]]
        for _ in 0..<4 {
            sequences = sequences.flatMap { prefix in Event.allCases.map { prefix + [$0] } }
            for sequence in sequences { check(sequence) }
        }
    }

    @Test func outcomeErrorAndGet() throws {
        #expect(FutureOutcome<Int>.success(1).error == nil)
        #expect(FutureOutcome<Int>.cancelled.error is CancellationError)
        #expect(FutureOutcome<Int>.failure(TimeoutError()).error is TimeoutError)
        #expect(try FutureOutcome<Int>.success(3).get() == 3)
        #expect(throws: CancellationError.self) { try FutureOutcome<Int>.cancelled.get() }
        #expect(throws: TimeoutError.self) { try FutureOutcome<Int>.failure(TimeoutError()).get() }
    }
}
