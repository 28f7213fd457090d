/// Why a queue operation could not complete.
public enum QueueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `getNowait` or `get(timeout:)` found no item (Python's `queue.Empty`).
    case empty
    /// `putNowait` or `put(_:timeout:)` found no room (Python's `queue.Full`).
    case full
    /// The queue was shut down (Python 3.13's `queue.ShutDown`).
    case shutDown
    /// `taskDone()` was called more times than items were put.
    case tooManyTaskDone

    public var description: String {
        switch self {
        case .empty: "the queue is empty"
        case .full: "the queue is full"
        case .shutDown: "the queue is shut down"
        case .tooManyTaskDone: "taskDone() called too many times"
        }
    }
}
