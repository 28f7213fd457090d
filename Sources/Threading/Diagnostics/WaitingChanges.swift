import Synchronization

/// Tells a test, without polling, that some thread or task started or stopped waiting.
///
/// A test often needs "the getter is now blocked in `get()`" before it acts. No public
/// event says so, and checking a count every few hundred microseconds is polling. Once a
/// test calls `enable()`, every wait of this package bumps a generation counter at the
/// moments such a condition can change: a thread about to park (after its primitive
/// listed it), a task listed and about to suspend, a waiter woken or withdrawn, a thread
/// lock's waiter about to sleep, an `OSThread` ending. `wait(until:deadline:)` re-checks
/// its condition after each bump and sleeps on the counter's futex in between.
///
/// Off (the default, and always outside tests), each of those places pays one relaxed
/// load, on paths that are about to make a system call anyway.
package enum WaitingChanges {
    private static let signal = WaitingChangesSignal()

    /// From now on, waits in this process bump the generation. Never switched off: tests
    /// run side by side in one process.
    package static func enable() { signal.enabled.store(true, ordering: .relaxed) }

    /// A wait started or ended somewhere: wakes every `wait(until:deadline:)` sleeper so
    /// it re-checks its condition. Called once the change is visible (the waiter listed,
    /// or removed); a condition that reads the primitive under its lock sees it then.
    /// Tests call it too, after changing state of their own that a condition reads.
    @inline(__always)
    package static func note() {
        if signal.enabled.load(ordering: .relaxed) { signal.bump() }
    }

    /// Blocks until `condition()` holds or `deadline` passes; returns whether it held.
    /// Re-checks the condition once per change of any wait in the process (see above), so
    /// it suits conditions about who waits; the caller must `enable()` first.
    ///
    /// - Blocking: sleeps on the generation's futex; woken by `note()`.
    package static func wait(until condition: () -> Bool, deadline: ContinuousClock.Instant) -> Bool {
        let bound = Deadline(instant: deadline)
        while true {
            // Marked before checking: a change after the check moves the word, and the
            // futex wait below then returns at once or is woken.
            let seen = signal.markWaiting()
            if condition() { return true }
            if !signal.word.wait(whileEquals: seen, deadline: bound) { return condition() }
        }
    }
}

/// The generation word of `WaitingChanges`: bit 0 says a thread may sleep on it, the rest
/// counts changes (in steps of 2). One word for both, so the waiter's mark and the bump
/// are read-modify-writes of one location, totally ordered: either the bump sees the mark
/// and wakes, or the mark comes after the bump and the waiter's check sees the change.
private final class WaitingChangesSignal: Sendable {
    let enabled = Atomic<Bool>(false)
    let word = FutexWord(0)

    /// Sets the waiting bit; returns the word with it set.
    func markWaiting() -> UInt32 {
        var seen = word.load()
        while seen & 1 == 0 {
            let (done, now) = word.compareExchange(expected: seen, desired: seen | 1)
            if done { return seen | 1 }
            seen = now
        }
        return seen
    }

    /// Counts a change; wakes every sleeper if one may sleep. The bit stays set: another
    /// waiter may still be between its mark and its sleep.
    func bump() {
        if word.fetchAdd(2) & 1 != 0 { word.wakeAll() }
    }
}
