import Threading

/// A value guarded by a `Threading.Lock`, the lab's stand-in for `Synchronization.Mutex`.
///
/// Why not `Mutex`: on Linux its contended hand-off happens in a priority-inheritance futex
/// inside the uninstrumented standard library, so ThreadSanitizer reports false races on
/// everything it guards. `Lock`'s atomics live in the package's C shim, which TSan sees.
public final class Guarded<Value>: @unchecked Sendable {
    // `value` is read and written only while `lock` is held.
    private var value: Value
    private let lock: Lock

    public init(_ value: Value, name: String = "threadlab") {
        self.value = value
        lock = Lock(name: name)
    }

    /// Runs `body` with exclusive access to the value; `body` must not block.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.acquire()
        // Cannot throw: this thread acquired the lock just above.
        defer { try? lock.release() }
        return try body(&value)
    }
}
