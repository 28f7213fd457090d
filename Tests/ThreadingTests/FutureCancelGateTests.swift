import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// A gate that answers as told and counts how often it was asked.
final class ScriptedGate: FutureCancelGate {
    let answer: Bool
    let asked = Atomic<Int>(0)

    init(answer: Bool) { self.answer = answer }

    func closeBeforeStart() -> Bool {
        asked.wrappingAdd(1, ordering: .relaxed)
        return answer
    }
}

/// `Future(cancelGate:)`: `cancel()` of a pending future asks the gate.
@Suite(.hangGuard)
struct FutureCancelGateTests {
    @Test func aGateThatClosesLetsTheCancelThrough() throws {
        let gate = ScriptedGate(answer: true)
        let future = Future<Int>(cancelGate: gate)
        #expect(future.cancel())
        #expect(future.isCancelled)
        #expect(future.cancel())
        #expect(gate.asked.load(ordering: .relaxed) == 1)
        #expect(throws: CancellationError.self) { _ = try future.result(timeout: .seconds(1)) }
    }

    @Test func aGateThatSaysStartedRefusesTheCancel() throws {
        let gate = ScriptedGate(answer: false)
        let future = Future<Int>(cancelGate: gate)
        #expect(!future.cancel())
        #expect(!future.isDone)
        try future.setResult(7)
        #expect(try future.result(timeout: .seconds(1)) == 7)
    }

    @Test func aFinishedFutureDoesNotAskItsGate() throws {
        let gate = ScriptedGate(answer: true)
        let future = Future<Int>(cancelGate: gate)
        try future.setResult(1)
        #expect(!future.cancel())
        #expect(gate.asked.load(ordering: .relaxed) == 0)
    }
}
