import CThreadingShims

/// The futex mutex shared by `Lock` and `RLock`: 0 unlocked, 1 locked with no sleeper,
/// 2 locked and a thread may sleep on the word (Drepper, "Futexes are tricky", mutex 3).
extension FutexWord {
    /// How many times to re-check a held lock before sleeping.
    static var mutexSpinLimit: Int { 64 }

    /// Takes the mutex if it is free; never blocks.
    @inlinable @inline(__always)
    func mutexTryLock() -> Bool {
        compareExchange(expected: 0, desired: 1).exchanged
    }

    /// Spins briefly, then marks the word 2 and sleeps until a release sees the 2 and
    /// wakes one sleeper. Returns `false` only when `deadline` passed without the mutex.
    @inline(never)
    func mutexLockSlow(deadline: Deadline) -> Bool {
        for _ in 0..<Self.mutexSpinLimit {
            let seen = loadRelaxed()
            if seen == 0, compareExchange(expected: 0, desired: 1).exchanged { return true }
            if seen == 2 { break }
            cthreading_cpu_relax()
        }
        while exchange(2) != 0 {
            if !wait(whileEquals: 2, deadline: deadline) {
                // Timed out: one last attempt, so a release racing the timeout is not lost.
                return compareExchange(expected: 0, desired: 2).exchanged
            }
        }
        return true
    }

    /// `mutexLockSlow(deadline: .never)`, out of line. Callers on a fast path use this:
    /// a `Deadline` local (its `ContinuousClock.Instant` is resilient) costs two metadata
    /// look-ups and a dynamic stack allocation in the caller's prologue on *every* call,
    /// contended or not (seen in `StateLock.withLock` and `Lock.acquire` disassembly).
    @usableFromInline @inline(never)
    func mutexLockSlowUntimed() {
        _ = mutexLockSlow(deadline: .never)
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
