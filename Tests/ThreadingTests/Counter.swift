import Synchronization
import ThreadingTestSupport

/// A counter threads can bump, for checking what happened.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}
