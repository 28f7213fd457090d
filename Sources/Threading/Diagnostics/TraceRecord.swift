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

/// What a non-lock wait was waiting for.
enum TraceWaitKind: UInt8, Sendable, CaseIterable {
    case condition, event, semaphore, barrier, queuePut, queueGet, futureResult, threadJoin, other

    var title: String {
        switch self {
        case .condition: "condition wait"
        case .event: "event wait"
        case .semaphore: "semaphore acquire"
        case .barrier: "barrier wait"
        case .queuePut: "queue put (full)"
        case .queueGet: "queue get (empty)"
        case .futureResult: "future result"
        case .threadJoin: "thread join"
        case .other: "wait"
        }
    }
}

/// One thing a thread did, with its monotonic time in nanoseconds since `TraceClock`'s
/// epoch.
struct TraceRecord: Sendable {
    var kind: TraceKind
    var time: Int64
    var start: Int64
    var object: UInt64
    var label: String?
    var value: Int64
    var waitKind: TraceWaitKind = .other
}

/// What `DiagnosticsHooks.waitEnded` needs from `waitBegan`.
struct TraceWait: Sendable {
    let kind: TraceWaitKind
    let object: UInt64
    let label: String?
    let start: Int64
}

/// Monotonic time for traces, in nanoseconds since the first use.
///
/// `now()` reads `CLOCK_MONOTONIC` directly (the `Duration` arithmetic of
/// `ContinuousClock` cost a tenth of a traced lock operation); instants a primitive took
/// from `ContinuousClock` are converted relative to the same starting moment, which the
/// two clocks agree on up to a suspend of the machine.
enum TraceClock {
    private static let epoch = (instant: ContinuousClock.now, raw: rawNow())

    @inline(__always)
    static func now() -> Int64 { rawNow() &- epoch.raw }

    static func ticks(of instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (instant - epoch.instant).components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }

    @inline(__always)
    private static func rawNow() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
    }
}
