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
    ///
    /// A decrement, not an exchange (mutex 3's unlock): on x86 `lock xadd` costs less than
    /// `xchg`, and W4 (acquire + release on one thread) ran at 4.73 ns against 5.13 ns
    /// (2026-12-04, three interleaved pairs of 9 runs). From 1 the decrement unlocks;
    /// from 2 (a sleeper) or 0 (not locked) it leaves 1 or all ones, which keep acquirers
    /// out until `mutexUnlockSlow` puts the word right.
    @inlinable @inline(__always)
    func mutexUnlock() -> Bool {
        let previous = fetchSub(1)
        if previous == 1 { return true }
        return mutexUnlockSlow(after: previous)
    }

    /// The decrement found `previous` other than 1: unlock (from 2, waking a sleeper) or
    /// undo it (from 0: the mutex was not locked). An acquirer that marked the word 2
    /// meanwhile, having found it held, is woken either way. Returns whether it was locked.
    ///
    /// Only `Lock` can reach the undo (any thread may release it; `RLock` and `StateLock`
    /// release only what their thread holds). One release of a free lock at a time is
    /// exact: no acquisition can succeed until the undo's exchange. Two at once can leave
    /// the second one's exchange to end a hold taken in between, as its release would have
    /// with an exchange alone; that release throws nonetheless.
    @usableFromInline @inline(never)
    func mutexUnlockSlow(after previous: UInt32) -> Bool {
        let seen = exchange(0)
        if previous == 2 || seen == 2 { wake(1) }
        return previous == 2
    }
}
