import Synchronization

/// An atomic integer threads can share by reference (closures cannot capture an `Atomic`).
package final class SharedInt: Sendable {
    private let atomic: Atomic<Int>

    package init(_ value: Int = 0) { atomic = Atomic(value) }

    package var value: Int { atomic.load(ordering: .acquiring) }

    package func store(_ value: Int) { atomic.store(value, ordering: .releasing) }

    /// Adds `delta` and returns the new value.
    @discardableResult
    package func add(_ delta: Int) -> Int { atomic.add(delta, ordering: .acquiringAndReleasing).newValue }

    /// Raises the value to `candidate` if it is larger.
    package func raise(to candidate: Int) {
        var seen = atomic.load(ordering: .relaxed)
        while candidate > seen {
            let (exchanged, current) = atomic.compareExchange(
                expected: seen, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            seen = current
        }
    }
}
