import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// A list threads append to, for checking the order things happened in. On a
/// `StateLock`, whose contended hand-off ThreadSanitizer sees (unlike `Mutex`'s).
final class Recorder<Element: Sendable>: Sendable {
    private let items = StateLock<[Element]>([])
    /// Appends, then tells `waitUntil` (its conditions read the items).
    func append(_ item: Element) {
        items.withLock { $0.append(item) }
        WaitingChanges.note()
    }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
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
