import Foundation

/// A value guarded by a `pthread_mutex_t`: the lab's own book-keeping lock.
///
/// Why not `Synchronization.Mutex`: on Linux its contended hand-off happens in a
/// priority-inheritance futex inside the uninstrumented standard library, so
/// ThreadSanitizer reports false races on everything it guards; TSan intercepts pthread
/// mutexes. Why not the package's `Lock`: the lab's log and counters would then appear in
/// the lock-order checker's graph and in the traces of the primitives being demonstrated.
public final class Guarded<Value>: @unchecked Sendable {
    // `value` is read and written only while `mutex` is locked.
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        // A default mutex cannot fail to initialise on Linux (only ENOMEM for attributes).
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value; `body` must not block.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
