import Synchronization

/// An atomic integer threads can share by reference (closures cannot capture an `Atomic`).
public final class SharedInt: Sendable {
    private let atomic: Atomic<Int>

    public init(_ value: Int = 0) { atomic = Atomic(value) }

    public var value: Int { atomic.load(ordering: .acquiring) }

    public func store(_ value: Int) { atomic.store(value, ordering: .releasing) }

    /// Adds `delta` and returns the new value.
    @discardableResult
    public func add(_ delta: Int) -> Int { atomic.add(delta, ordering: .acquiringAndReleasing).newValue }

    /// Raises the value to `candidate` if it is larger.
    public func raise(to candidate: Int) {
        var seen = atomic.load(ordering: .relaxed)
        while candidate > seen {
            let (exchanged, current) = atomic.compareExchange(
                expected: seen, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            seen = current
        }
    }
}
