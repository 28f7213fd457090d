/// Wrong use of a thread or a lock, or an argument out of range.
///
/// These are the caller's mistakes: the process never traps on them (API principle 3).
public enum ThreadingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `start()` was called on a thread that had already been started.
    case alreadyStarted
    /// `join()` was called before `start()`.
    case notStarted
    /// A thread tried to join itself, which would never return.
    case joinCurrentThread
    /// `Lock.release()` was called on a lock that was not locked.
    case releaseUnlocked
    /// An `RLock` or `Condition` was used by a thread that does not hold its lock.
    case notOwner
    /// A `BoundedSemaphore` was released above its initial value.
    case tooManyReleases
    /// The object is in a state that does not allow the call (e.g. a future set twice).
    case invalidState(String)
    /// An argument was out of range (a negative timeout or value, zero workers or parties…).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .alreadyStarted: "threads can only be started once"
        case .notStarted: "cannot join a thread before it is started"
        case .joinCurrentThread: "cannot join the current thread"
        case .releaseUnlocked: "release of an unlocked lock"
        case .notOwner: "cannot release or wait on a lock this thread does not hold"
        case .tooManyReleases: "semaphore released too many times"
        case .invalidState(let message): "invalid state: \(message)"
        case .invalidArgument(let message): "invalid argument: \(message)"
        }
    }
}
