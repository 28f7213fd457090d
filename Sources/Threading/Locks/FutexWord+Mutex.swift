import CThreadingShims

/// The futex mutex shared by `Lock`, `RLock` and `StateLock`: 0 unlocked, 1 locked with no sleeper,
/// 2 locked and a thread may sleep on the word (Drepper, "Futexes are tricky", mutex 3).
extension FutexWord {
    /// How many times the library's own state locks (`StateLock`) re-check a held lock
    /// before sleeping. Their critical sections are a few dozen instructions, so a waiter
    /// usually sees the lock come free within the spin: W1-W3 ran 0.78-0.93× as fast
    /// without it (2026-12-04, `bash bench/compare/run.sh`, 18 interleaved runs each).
    static var stateLockSpinLimit: Int { 64 }

    /// Takes the mutex if it is free; never blocks.
    @inlinable @inline(__always)
    func mutexTryLock() -> Bool {
        compareExchange(expected: 0, desired: 1).exchanged
    }

    /// Re-checks up to `spinLimit` times, then marks the word 2 and sleeps until a release
    /// sees the 2 and wakes one sleeper. Returns `false` only when `deadline` passed
    /// without the mutex.
    ///
    /// `Lock` and `RLock` do not spin (`spinLimit` 0), as glibc's default mutex does not:
    /// a user's lock is often re-taken in a loop by its holder, and a waiter spinning on
    /// the other core catches it in the moment it is free, so the lock's cache line moves
    /// between the cores on every acquisition. Sleeping at once leaves the holder alone
    /// on its core: W5 (2 threads incrementing under one `Lock`) ran 1.53× as fast
    /// (2026-12-04, `bash bench/compare/run.sh`, 18 interleaved runs each).
    @inline(never)
    func mutexLockSlow(deadline: Deadline, spinLimit: Int = 0) -> Bool {
        for _ in 0..<spinLimit {
            let seen = loadRelaxed()
            if seen == 0, compareExchange(expected: 0, desired: 1).exchanged { return true }
            if seen == 2 { break }
            cthreading_cpu_relax()
        }
        while exchange(2) != 0 {
            WaitingChanges.note()
            if !wait(whileEquals: 2, deadline: deadline) {
                // Timed out: one last attempt, so a release racing the timeout is not lost.
                return compareExchange(expected: 0, desired: 2).exchanged
            }
        }
        return true
    }

    /// `mutexLockSlow(deadline: .never)` with the state locks' spin, out of line.
    /// `StateLock` uses this on its fast path:
    /// a `Deadline` local (its `ContinuousClock.Instant` is resilient) costs two metadata
    /// look-ups and a dynamic stack allocation in the caller's prologue on *every* call,
    /// contended or not (seen in `StateLock.withLock` and `Lock.acquire` disassembly).
    @usableFromInline @inline(never)
    func mutexLockSlowUntimed() {
        _ = mutexLockSlow(deadline: .never, spinLimit: Self.stateLockSpinLimit)
    }

    /// Releases the mutex, waking one sleeper if one may be asleep. Returns whether it was
    /// locked.
    @inlinable @inline(__always)
    func mutexUnlock() -> Bool {
        let previous = exchange(0)
        if previous == 2 { wake(1) }
        return previous != 0
    }
}
