import CThreadingShims

/// The lock around a queue's state: `StateLock`'s futex mutex (0 unlocked, 1 locked,
/// 2 locked with a possible sleeper), with its fast path `@inlinable`.
///
/// Why not `StateLock`: a queue's hot path (`put`/`get` that need not wait) must be
/// specialized for the element type in the caller's module. Unspecialized, each call
/// looked up the generic metadata of the state, the buffer, the action enums and their
/// payloads in the runtime's caches, which profiling showed as ~40% of W2/W3. Making the
/// fast path inlinable requires every type it touches to be `@usableFromInline`, and the
/// shared `StateLock`/`FutexWord` are internal; this copy keeps that change inside
/// `Queues/`. The contended path (spin, then sleep) stays out of line.
@usableFromInline
struct QueueLock<Value>: ~Copyable, @unchecked Sendable {
    // `value` is read and written only between locking and unlocking `word`.
    @usableFromInline let word: UnsafeMutablePointer<cthreading_word_t>
    @usableFromInline let value: UnsafeMutablePointer<Value>

    init(_ initial: consuming Value) {
        word = .allocate(capacity: 1)
        word.initialize(to: cthreading_word_t(value: 0))
        value = .allocate(capacity: 1)
        value.initialize(to: initial)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
        word.deallocate()
    }

    /// Runs `body` with exclusive access to the value. `body` must not block or take
    /// this lock again: decide under it, act after it.
    @inlinable @inline(__always)
    func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        var unlocked: UInt32 = 0
        if !cthreading_word_cas(word, &unlocked, 1) { lockSlow() }
        defer {
            if cthreading_word_exchange(word, 0) == 2 { wakeOne() }
        }
        return try body(&value.pointee)
    }

    /// How many times a contended lock re-checks before sleeping (as `StateLock`).
    static var spinLimit: Int { 64 }

    @usableFromInline @inline(never)
    func lockSlow() {
        for _ in 0..<Self.spinLimit {
            var unlocked: UInt32 = 0
            let seen = cthreading_word_load_relaxed(word)
            if seen == 0, cthreading_word_cas(word, &unlocked, 1) { return }
            if seen == 2 { break }
            cthreading_cpu_relax()
        }
        while cthreading_word_exchange(word, 2) != 0 {
            // EAGAIN (the word changed) and EINTR just loop.
            _ = cthreading_futex_wait(word, 2, -1)
        }
    }

    @usableFromInline @inline(never)
    func wakeOne() {
        _ = cthreading_futex_wake(word, 1)
    }
}
