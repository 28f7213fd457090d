import CThreadingShims

/// How an idle pool worker sleeps and is woken: a `ThreadParker` that its one owner
/// re-arms before each idle period, so a worker needs no allocation to go idle.
///
/// Safe to re-arm because the pool lists a worker as idle at most once per `rearm()`, and
/// whoever takes it off the list unparks it exactly once; the worker re-arms only after
/// that unpark has let its `park()` return.
final class WorkerParker: Sendable {
    // 0: armed, the worker is not asleep; 1: unparked; 2: the worker sleeps on the futex.
    // Only atomics and futex calls touch it.
    private let word = FutexWord(0)

    /// How many times an idle worker (or a thread waiting for a future) re-checks before
    /// sleeping: about 50 µs. Longer than `ThreadParker.spinLimit` on purpose: on a busy
    /// pool the next submission, or a tiny task's result, comes within microseconds, and
    /// catching it spinning saves a futex sleep and a wake-up call (the Executors article,
    /// "Performance", counts them). Only one worker spins at a time.
    static let spinLimit = 2000

    init() {}

    /// Arms the parker for the next idle period (only its worker calls this).
    @inline(__always)
    func rearm() { word.store(0) }

    /// Blocks until `unpark()`, spinning briefly first when `spin`: on a busy pool the next
    /// submission usually arrives within microseconds, and a spinning worker is woken by
    /// one atomic store instead of a futex system call on the submitting thread.
    func park(spin: Bool) {
        for _ in 0..<(spin ? Self.spinLimit : 0) {
            if word.loadRelaxed() == 1 {
                _ = word.load()  // acquire: the waker's writes are visible
                return
            }
            cthreading_cpu_relax()
        }
        if !word.compareExchange(expected: 0, desired: 2).exchanged { return }
        while word.load() != 1 {
            _ = word.wait(whileEquals: 2, deadline: .never)
        }
    }

    /// Wakes the worker; makes the wake system call only when it is asleep.
    @inline(__always)
    func unpark() {
        if word.exchange(1) == 2 { word.wake(1) }
    }
}
