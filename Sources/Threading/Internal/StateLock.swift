/// A value guarded by a futex mutex: `Synchronization.Mutex`'s API (`withLock`) on the
/// futex protocol of `FutexWord+Mutex.swift`.
///
/// Why not `Mutex`: on Linux its contended path is a priority-inheritance futex
/// (`FUTEX_LOCK_PI`) inside the uninstrumented standard library, where the kernel hands the
/// lock over. ThreadSanitizer sees none of that, so every primitive whose state `Mutex`
/// guards reports false data races as soon as two threads contend (and CI fails on any
/// report). `FutexWord`'s atomics are compiled in our own C shim, which TSan instruments,
/// so the hand-off here is visible to it. Same cost uncontended: one CAS to lock, one
/// exchange to unlock.
///
/// `withLock` is `@inlinable` so a generic primitive's fast path (a queue's `put`/`get`
/// that need not wait) is specialized in the caller's module: unspecialized, the generic
/// metadata look-ups cost ~40% of the queue benchmarks. The contended path stays out of
/// line.
///
/// `package`: the one lock box of the package; `LockedState` puts it in a class for state
/// that other modules (the process pool, the lab) share by reference.
@usableFromInline
package struct StateLock<State>: ~Copyable, @unchecked Sendable {
    // `value` is read and written only between locking and unlocking `word`.
    @usableFromInline let word = FutexWord(0)
    @usableFromInline let value: UnsafeMutablePointer<State>

    package init(_ initial: consuming State) {
        value = .allocate(capacity: 1)
        value.initialize(to: initial)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` with exclusive access to the state. `body` must not block or call
    /// back into code that takes this lock; primitives decide under it and act after.
    @inlinable @inline(__always)
    package func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        if !word.mutexTryLock() { word.mutexLockSlowUntimed() }
        defer { _ = word.mutexUnlock() }
        return try body(&value.pointee)
    }
}
