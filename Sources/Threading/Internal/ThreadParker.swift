import CThreadingShims

/// A wake-up for one blocked thread: the waiter parks, a waker unparks it once.
///
/// Waiter lists hold one parker per blocked thread, so a waker wakes exactly the thread it
/// chose. A waiter on a primitive makes a fresh parker for each wait, so a late `unpark`
/// can never leak into a later wait. A pool worker keeps one parker and re-arms it before
/// each idle period (`rearm()`), so going idle allocates nothing: safe because the pool
/// lists a worker as idle at most once per re-arm, whoever takes it off the list unparks
/// it exactly once, and the worker re-arms only after that unpark let its `park` return.
package final class ThreadParker: Sendable {
    // 0: armed, not yet unparked, not sleeping; 1: unparked; 2: the waiter sleeps on the
    // futex. Only atomics and futex calls touch it.
    private let word = FutexWord(0)

    package init() {}

    /// How long a parking thread re-checks the word before it sleeps on the futex. Every
    /// spin is bounded and followed by the real block. The figures behind each limit are in
    /// the articles' "Performance" sections (Locks: W8; Executors: W1).
    package enum Spin: Sendable {
        /// Sleep at once.
        case none
        /// About a microsecond, for a waiter on a primitive. When the partner thread has no
        /// core, a long spin burns the time slice it needs; a short one costs nothing
        /// measurable there, and when both threads are on a core it lets a hand-off
        /// complete without any futex call.
        case brief
        /// About 50 µs, for an idle pool worker or a thread waiting for a pool's future: on
        /// a busy pool the next submission, or a tiny task's result, comes within
        /// microseconds, and catching it spinning saves a futex sleep and a wake-up call.
        /// Only one worker spins at a time.
        case idleWorker

        /// Re-checks before sleeping.
        var turns: Int {
            switch self {
            case .none: 0
            case .brief: 20
            case .idleWorker: 2000
            }
        }
    }

    /// Arms a reused parker for its next wait (only its one owner calls this, see above).
    @inline(__always)
    package func rearm() { word.store(0) }

    /// Blocks until `unpark()` or the deadline, re-checking `spin.turns` times first;
    /// returns whether it was unparked.
    package func park(until deadline: Deadline, spin: Spin = .none) -> Bool {
        // The thread's primitive listed it before it parks: "it waits" is true now.
        WaitingChanges.note()
        for _ in 0..<spin.turns {
            // Relaxed while spinning; the acquiring load makes the waker's writes visible.
            if word.loadRelaxed() == 1 { return word.load() == 1 }
            cthreading_cpu_relax()
        }
        // Announce the sleep, so `unpark` knows to make the wake system call.
        if !word.compareExchange(expected: 0, desired: 2).exchanged { return true }
        while true {
            let timedOut = !word.wait(whileEquals: 2, deadline: deadline)
            if word.load() == 1 { return true }
            if timedOut {
                // Withdraw the sleep; an unpark racing the timeout still counts.
                return !word.compareExchange(expected: 2, desired: 0).exchanged
            }
        }
    }

    /// Blocks until `unpark()`.
    package func park(spin: Spin = .none) {
        _ = park(until: .never, spin: spin)
    }

    /// Whether `unpark()` has happened.
    package var isUnparked: Bool { word.load() == 1 }

    /// Wakes the parked thread (or lets its coming `park` return at once); makes the wake
    /// system call only when the waiter is asleep.
    @inline(__always)
    package func unpark() {
        if word.exchange(1) == 2 { word.wake(1) }
        WaitingChanges.note()
    }
}
