import Glibc
import Threading

/// A binary semaphore on a pthread mutex and condition variable: `signal()` makes the next
/// (or a current) `wait()` return. The writer threads sleep on it: unlike `Event.wait`,
/// it never spins first, which on a busy machine would take the core from the worker
/// processes the writer is waiting for.
///
/// `@unchecked Sendable`: `signalled` is guarded by `mutex`; the pthread objects live at
/// stable heap addresses for the object's whole life.
final class WakeSignal: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var signalled = false

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        // Default attributes: these only fail for lack of memory, which traps anyway.
        _ = pthread_mutex_init(mutex, nil)
        _ = pthread_cond_init(condition, nil)
    }

    deinit {
        _ = pthread_cond_destroy(condition)
        _ = pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// pthread_cond_signal under the mutex.
    func signal() {
        _ = pthread_mutex_lock(mutex)
        signalled = true
        _ = pthread_cond_signal(condition)
        _ = pthread_mutex_unlock(mutex)
    }

    /// pthread_cond_wait until signalled (spurious wake-ups loop), then consumes the signal.
    /// About to sleep, it tells `WaitingChanges`, as every wait of this package does: a
    /// test waiting for a slot's writer to settle (its worker up) re-checks then.
    func wait() {
        _ = pthread_mutex_lock(mutex)
        if !signalled { WaitingChanges.note() }
        while !signalled { _ = pthread_cond_wait(condition, mutex) }
        signalled = false
        _ = pthread_mutex_unlock(mutex)
    }
}
