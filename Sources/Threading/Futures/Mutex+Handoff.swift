import CThreadingShims
import Synchronization

extension Mutex where Value: ~Copyable {
    /// `withLock`, also telling ThreadSanitizer that the lock orders its critical
    /// sections: Swift's `Mutex` on Linux hands a contended lock over inside the kernel
    /// (priority-inheritance futex), which TSan cannot see, so it reports the protected
    /// state as racing. `owner` is any address unique to this lock (its owning object).
    /// Without TSan the annotations are two tests of a null symbol.
    @inlinable
    @inline(__always)
    package borrowing func withHandoff<Result>(
        _ owner: AnyObject, _ body: (inout sending Value) throws -> sending Result
    ) rethrows -> sending Result {
        try withLock { value in
            let address = UnsafeRawPointer(Unmanaged.passUnretained(owner).toOpaque())
            cthreading_tsan_acquire(address)
            defer { cthreading_tsan_release(address) }
            return try body(&value)
        }
    }
}
