/// A scenario whose primitives are not in the package yet: its verdict says what it needs.
///
/// Designs, to be filled in as the branches land:
/// - `pool` (futures): `withThreadPool(maxWorkers: 3, threadNamePrefix: "ThreadPoolExecutor-0")`;
///   `submit` two tasks that each sum 0..<10000 and log their worker's name, read both
///   `result()`s, then `map` over ["First", "Second"]. Verdict: every result 49995000 and
///   the worker thread behind each task.
/// - `producer-consumer` (queues, futures): `Queue<Int>(maxsize: 10)`, an `Event`; the
///   producer puts random 1…11 until the event is set, the consumer gets until the event
///   is set and the queue is empty (a timed `get` so it can see the event); main sets the
///   event after 0.1 s. Verdict: items produced = consumed, max `count` seen ≤ 10.
/// - `deadlock` (diag, core): two threads take locks A and B in opposite order with
///   `LockOrderChecking.mode = .report`; the second takes its inner lock with
///   `acquire(timeout:)`, so the run finishes. Verdict: the report names both locks and
///   both acquisition sites; the timed acquire broke the deadlock.
/// - `processes` (mp): W6's job in a `ProcessPoolExecutor(maxWorkers: 2)`; a task that
///   crashes its worker fails only its own future (`.workerDied`); resident memory of
///   N idle threads vs N idle worker processes (`VmRSS`). Verdict: results right, crash
///   contained, memory figures.
public enum PendingScenario {
    /// The verdict of a scenario that cannot run yet.
    public static func verdict(_ name: String, requires: String, shows: String) -> Verdict {
        Verdict(name: name, summary: shows, outcome: .unavailable(requires: requires))
    }
}
