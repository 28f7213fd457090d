/// What `Tracing.stop()` returns: every thread's records from one tracing session.
///
/// Write it as a Chrome trace (`writeChromeTrace(to:)`, for Perfetto or
/// chrome://tracing) or as a self-contained HTML timeline (`writeTimeline(to:)`).
/// Times are monotonic (`ContinuousClock`), shown relative to `Tracing.start()`.
public struct Trace: Sendable {
    /// One thread's records, in the order it made them.
    struct Thread: Sendable {
        var name: String
        /// The kernel's thread id (`gettid`).
        var id: Int64
        var records: [TraceRecord]
    }

    var threads: [Thread]
    /// When tracing started and stopped, in `TraceClock` nanoseconds.
    var startTime: Int64
    var endTime: Int64

    init(threads: [Thread], startTime: Int64, endTime: Int64) {
        self.threads = threads
        self.startTime = startTime
        self.endTime = endTime
    }

    /// How many records the trace holds, over all threads.
    public var eventCount: Int { threads.reduce(0) { $0 + $1.records.count } }
}
