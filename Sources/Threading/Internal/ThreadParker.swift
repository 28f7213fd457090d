import CThreadingShims

/// A one-shot wake-up for one blocked thread: the waiter parks, a waker unparks it once.
///
/// Waiter lists hold one parker per blocked thread, so a waker wakes exactly the thread it
/// chose. A fresh parker is made for each wait, so a late `unpark` can never leak into a
/// later wait.
final class ThreadParker: Sendable {
    // 0: not yet unparked, not sleeping; 1: unparked; 2: the waiter sleeps on the futex.
    // Only atomics and futex calls touch it.
    private let word = FutexWord(0)

    /// How many times to re-check before sleeping: about a microsecond. When the partner
    /// thread has no core, a long spin burns the time slice it needs; a short one costs
    /// nothing measurable there, and when both threads are on a core it lets a hand-off
    /// complete without any futex call. Bounded; the real block follows. The W8 figures
    /// behind the choice are in the Locks article, "Performance".
    static let spinLimit = 20

    init() {}

    /// Blocks until `unpark()` or the deadline; returns whether it was unparked.
    /// `spin` re-checks a bounded number of times first.
    func park(until deadline: Deadline, spin: Bool = false) -> Bool {
        if spin {
            for _ in 0..<Self.spinLimit {
                if word.loadRelaxed() == 1 { return word.load() == 1 }
                cthreading_cpu_relax()
            }
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
    func park(spin: Bool = false) {
        _ = park(until: .never, spin: spin)
    }

    /// Whether `unpark()` has happened.
    var isUnparked: Bool { word.load() == 1 }

    /// Wakes the parked thread (or lets its coming `park` return at once); makes the wake
    /// system call only when the waiter is asleep.
    func unpark() {
        if word.exchange(1) == 2 { word.wake(1) }
    }
}
