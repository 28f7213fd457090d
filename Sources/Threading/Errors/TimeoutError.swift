/// A `timeout:` ran out before the operation could complete (Python's `TimeoutError`).
public struct TimeoutError: Error, Equatable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "the operation timed out" }
}
