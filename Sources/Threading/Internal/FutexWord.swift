import CThreadingShims
import Glibc

/// A 32-bit atomic word at a stable address, which threads can sleep on (a futex on
/// Linux). The owner frees it when it is dropped.
///
/// Every operation is an atomic or a system call, so the word may be shared freely;
/// the owner of the `FutexWord` guarantees no one uses it after `deinit`.
@usableFromInline
struct FutexWord: ~Copyable, @unchecked Sendable {
    // Accessed only through the C atomics and futex calls in CThreadingShims.
    @usableFromInline let pointer: UnsafeMutablePointer<cthreading_word_t>

    init(_ value: UInt32 = 0) {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: cthreading_word_t(value: value))
    }

    deinit { pointer.deallocate() }

    @inlinable @inline(__always) func load() -> UInt32 { cthreading_word_load_acquire(pointer) }
    @inlinable @inline(__always) func loadRelaxed() -> UInt32 { cthreading_word_load_relaxed(pointer) }
    @inlinable @inline(__always) func store(_ value: UInt32) { cthreading_word_store_release(pointer, value) }
    @inlinable @inline(__always) func exchange(_ value: UInt32) -> UInt32 {
        cthreading_word_exchange(pointer, value)
    }
    @inlinable @inline(__always) func fetchAdd(_ value: UInt32) -> UInt32 {
        cthreading_word_fetch_add(pointer, value)
    }
    @inlinable @inline(__always) func fetchSub(_ value: UInt32) -> UInt32 {
        cthreading_word_fetch_sub(pointer, value)
    }

    /// Compare-and-swap; returns whether it swapped and the value seen.
    @inlinable @inline(__always)
    func compareExchange(expected: UInt32, desired: UInt32) -> (exchanged: Bool, original: UInt32) {
        var seen = expected
        let done = cthreading_word_cas(pointer, &seen, desired)
        return (done, seen)
    }

    /// Sleeps while the word equals `expected`, until woken or `deadline`. May return
    /// spuriously: callers re-check in a loop. Returns `false` only when the deadline passed.
    func wait(whileEquals expected: UInt32, deadline: Deadline) -> Bool {
        let nanoseconds = deadline.remainingNanoseconds
        if nanoseconds == 0 { return false }
        let rc = cthreading_futex_wait(pointer, expected, nanoseconds)
        // EAGAIN (value changed) and EINTR are ordinary returns; the caller re-checks.
        return rc != -timedOutErrno
    }

    /// Wakes at most `count` sleepers.
    @inlinable @inline(__always)
    func wake(_ count: Int32 = 1) {
        _ = cthreading_futex_wake(pointer, count)
    }

    /// Wakes every sleeper.
    func wakeAll() { wake(Int32.max) }
}

let timedOutErrno = ETIMEDOUT
