/// A semaphore that refuses to go above its initial value, Python's
/// `threading.BoundedSemaphore`: releasing more permits than were taken is a bug, and
/// `release` throws `.tooManyReleases` for it (changing nothing). Otherwise the same as
/// `Semaphore`: the operations and their waiting are `CountingSemaphore`'s.
public final class BoundedSemaphore: CountingSemaphore, CustomStringConvertible {
    /// Not API: see `CountingSemaphore`.
    public let _permits: _SemaphorePermits

    /// The initial value, which the count never exceeds.
    public let initialValue: Int

    /// Makes a semaphore with `value` free permits, never more. Throws `.invalidArgument`
    /// for a negative value.
    public init(_ value: Int = 1) throws {
        guard value >= 0 else {
            throw ThreadingError.invalidArgument("BoundedSemaphore: initial value must be >= 0, got \(value)")
        }
        _permits = _SemaphorePermits(value: value, bounded: true)
        initialValue = value
    }

    public var description: String { "<BoundedSemaphore value=\(value)/\(initialValue)>" }
}
