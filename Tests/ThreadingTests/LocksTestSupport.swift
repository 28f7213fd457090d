import Foundation
import Synchronization
import Testing

@testable import Threading

/// Waits until `predicate` holds (a waiter is listed, a count reached…), failing the test
/// after `Delay.bound`. A gate on state the primitive publishes, used where no event can
/// mark the moment (a thread that has just gone to sleep inside a primitive); it checks
/// the state, it does not sleep a fixed time and hope.
func waitUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ predicate: () -> Bool
) {
    if !eventually(predicate) {
        Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    }
}

/// A list threads append to, for checking the order things happened in. On a
/// `StateLock`, whose contended hand-off ThreadSanitizer sees (unlike `Mutex`'s).
final class Recorder<Element: Sendable>: Sendable {
    private let items = StateLock<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

/// `waitUntil` for async tests: suspends between checks instead of blocking, so the tasks
/// it waits for get a thread of the (small) cooperative pool.
func waitUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ predicate: () -> Bool
) async {
    if await !eventuallyInTask(predicate) {
        Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    }
}

/// Every sequence of `events` up to `depth` long, applied to fresh copies of `initial`:
/// `apply` runs one event on the state and its model and checks the result.
func exhaustively<State, Model, Event>(
    from initial: (State, Model), events: [Event], depth: Int,
    apply: (inout State, inout Model, Event) -> Void
) -> Int {
    var sequences = 0
    func explore(_ state: State, _ model: Model, _ left: Int) {
        sequences += 1
        guard left > 0 else { return }
        for event in events {
            var nextState = state
            var nextModel = model
            apply(&nextState, &nextModel, event)
            explore(nextState, nextModel, left - 1)
        }
    }
    explore(initial.0, initial.1, depth)
    return sequences
}

/// Fresh waiters for the state structs; never resumed.
enum TestWaiters {
    static let parker = ThreadParker()
    static func make() -> Waiter { Waiter(id: Waiter.nextID(), handle: .thread(parker)) }
}
