import Glibc

/// What a trace record says happened.
enum TraceKind: UInt8, Sendable {
    case threadStarted, threadEnded
    /// A lock acquisition found the lock taken and went to sleep.
    case lockWaitBegan
    /// A lock was acquired; `start` is when the wait began (== `time` if it did not wait);
    /// `value` is 1 for a blocking acquisition, 0 for `tryAcquire`.
    case lockAcquired
    /// A timed acquisition gave up waiting.
    case lockGaveUp
    case lockReleased
    /// A blocking wait (see `TraceWaitKind`) began / ended; on the end record `start` is
    /// when it began and `value` 1 if it was satisfied, 0 on timeout or cancellation.
    case waitBegan, waitEnded
    /// An item moved; `value` is the queue's length afterwards, or -1 if unknown.
    case queuePut, queueGot
    case futureSubmitted, futureStarted
    /// `value` is 1 if the work threw or was cancelled.
    case futureFinished
    /// `object` is the task id; `value` the worker's pid (bit 32: the task failed).
    case processTaskDispatched, processTaskFinished
    /// A thread signalled `object` so waiters may go on (event set, condition notify,
    /// semaphore release, barrier trip); `waitKind` says what kind of object.
    case signaled
}
