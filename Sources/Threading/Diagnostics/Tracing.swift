/// Records what every thread does with this package's primitives, for a timeline.
///
/// Between `start()` and `stop()`, each thread appends to its own buffer (no global lock
/// on the hot path), with a monotonic timestamp (`ContinuousClock`) and the thread's name
/// and kernel id: thread start and end; lock waits, acquisitions and releases; waits on
/// conditions, events, semaphores and barriers; queue puts and gets and their blocking;
/// futures submitted, started and finished; process-pool tasks dispatched and finished.
///
/// ```swift
/// Tracing.start()
/// runTheProgram()
/// let trace = Tracing.stop()
/// try trace.writeChromeTrace(to: "run.json")   // open in https://ui.perfetto.dev
/// try trace.writeTimeline(to: "run.html")      // open in any browser
/// ```
///
/// Tracing is process-wide. While it is stopped (and the lock-order checker is off), each
/// primitive pays one relaxed atomic load per operation.
public enum Tracing {
    /// Starts recording, discarding any recording in progress.
    public static func start() {
        TraceRecorder.start()
    }

    /// Stops recording and returns what was recorded since `start()` (an empty trace if
    /// tracing was not started). A thread still inside a wait shows as waiting until the
    /// end of the trace.
    public static func stop() -> Trace {
        TraceRecorder.stop()
    }
}
