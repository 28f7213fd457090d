/// A `Barrier` was broken (aborted, reset, or a party timed out) while a thread waited on it,
/// or was already broken when a thread arrived.
public struct BrokenBarrierError: Error, Equatable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "the barrier is broken" }
}
