/// A counting semaphore, Python's `threading.Semaphore`: a count of permits that
/// `acquire` takes and `release` gives back. The operations and their waiting are
/// `CountingSemaphore`'s. `release` may raise the count above the initial value (use
/// `BoundedSemaphore` to forbid that).
public final class Semaphore: CountingSemaphore, CustomStringConvertible {
    /// Not API: see `CountingSemaphore`.
    public let _permits: _SemaphorePermits

    /// Makes a semaphore with `value` free permits. Throws `.invalidArgument` for a
    /// negative value.
    public init(_ value: Int = 1) throws {
        guard value >= 0 else {
            throw ThreadingError.invalidArgument("Semaphore: initial value must be >= 0, got \(value)")
        }
        _permits = _SemaphorePermits(value: value, bounded: false)
    }

    public var description: String { "<Semaphore value=\(value)>" }
}
