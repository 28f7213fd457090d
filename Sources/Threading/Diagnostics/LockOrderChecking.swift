import Glibc
import Synchronization

/// A lock-order (potential deadlock) checker in the spirit of Linux lockdep and Abseil's
/// mutex deadlock detection.
///
/// When enabled, every blocking acquisition of a `Lock`, an `RLock` or a `Condition`'s
/// lock records, per thread, the edges "held → acquiring" in one process-wide order
/// graph. An acquisition whose edge closes a cycle — two locks or more, even if the edges
/// were seen on different threads at different times and no deadlock happened — is a
/// `LockOrderViolation`, naming the locks around the shortest cycle, where each
/// conflicting acquisition happened (file:line, from `withLock`'s call site; a bare
/// `acquire()` reports `?:0`) and on which thread. Each distinct cycle is reported once.
/// The check runs before the thread blocks, so a real deadlock is reported too.
///
/// - `.off` (the default): nothing is recorded; each acquisition pays one relaxed load.
/// - `.report`: the violation goes to the handler (`setReportHandler`), by default one
///   message on standard error, and the program goes on.
/// - `.abort`: the violation is reported, then the process ends with status 70
///   (`EX_SOFTWARE`) without running `atexit` handlers.
///
/// The environment variable `THREADING_LOCK_ORDER=report` or `=abort` sets the mode; it
/// is read once, when the first lock is created or `mode` is first read, whichever comes
/// first. Setting `mode` in code overrides it.
///
/// What adds edges, and what does not (as in lockdep):
/// - `tryAcquire()` and an `acquire(timeout:)` that gives up cannot deadlock, so they add
///   no edge *to* the lock they take; a lock taken by `tryAcquire` is still held, so a
///   later blocking acquisition while holding it adds an edge *from* it.
/// - Reentrant re-acquisition of an `RLock` adds no edge; re-acquiring a plain `Lock` on
///   the thread that holds it deadlocks at once and is not reported as a cycle.
/// - A `Lock` released by another thread than the one that acquired it (a binary
///   semaphore) stops counting as held by the acquiring thread.
/// - Locks already held when the mode changes, or when `reset()` runs, are forgotten.
///
/// Known false positive: a "gate" lock. If every thread that takes A and B in either
/// order first takes a gate lock G, the two orders can never run at once, yet the
/// checker (like lockdep) reports A → B → A. Take A and B in one order instead, or keep
/// the checker off for that code.
///
/// Cost when on: each acquisition pushes and pops a per-thread stack; only an edge the
/// thread has not seen before takes the graph's lock and searches the graph.
public enum LockOrderChecking {
    /// What the checker does with a violation.
    public enum Mode: Sendable {
        /// The checker records nothing.
        case off
        /// Report each violation to the handler and go on.
        case report
        /// Report, then end the process with a non-zero status.
        case abort
    }

    /// The checker's mode, process-wide. Default `.off`, or what `THREADING_LOCK_ORDER`
    /// says. Changing it forgets which locks threads hold now (not the order graph).
    public static var mode: Mode {
        get {
            readEnvironmentOnce()
            return LockOrderChecker.mode
        }
        set {
            environmentRead.store(true, ordering: .sequentiallyConsistent)
            LockOrderChecker.setMode(newValue)
        }
    }

    /// Replaces what happens to a violation in `.report` and `.abort` mode (by default: its
    /// description on standard error). The handler runs on the thread whose acquisition
    /// closed the cycle, before it blocks, with no lock of the checker held.
    public static func setReportHandler(_ handler: @escaping @Sendable (LockOrderViolation) -> Void) {
        LockOrderChecker.setReportHandler(handler)
    }

    /// Forgets the order graph learned so far and the cycles already reported.
    public static func reset() {
        LockOrderChecker.reset()
    }

    private static let environmentRead = Atomic<Bool>(false)

    /// Sets the mode from `THREADING_LOCK_ORDER` the first time it is called.
    @inline(__always)
    static func readEnvironmentOnce() {
        if environmentRead.load(ordering: .acquiring) { return }
        readEnvironment()
    }

    @inline(never)
    private static func readEnvironment() {
        guard
            environmentRead.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
                .exchanged
        else { return }
        guard let raw = getenv("THREADING_LOCK_ORDER") else { return }
        switch String(cString: raw).lowercased() {
        case "report", "1", "on": LockOrderChecker.setMode(.report)
        case "abort": LockOrderChecker.setMode(.abort)
        case "off", "0", "": break
        case let other:
            StandardError.write("THREADING_LOCK_ORDER=\(other) is not one of report, abort, off; ignored\n")
        }
    }
}
