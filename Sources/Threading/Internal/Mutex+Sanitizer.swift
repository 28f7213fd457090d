import CThreadingShims
import Synchronization

extension Mutex where Value: ~Copyable {
    /// `withLock`, with the lock's hand-off announced to ThreadSanitizer.
    ///
    /// Swift's `Mutex` on Linux passes a contended lock to the next owner inside the kernel
    /// (priority-inheritance futex), where ThreadSanitizer sees no release/acquire pair,
    /// so it reports accesses made under the lock by two threads as a race. The
    /// annotations (no-ops outside `--sanitize=thread` builds) restore the edge.
    @inline(__always)
    borrowing func withLockSanitized<Result, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        let address = withUnsafePointer(to: self) { UnsafeRawPointer($0) }
        return try withLock { (value: inout sending Value) throws(E) -> sending Result in
            cthreading_tsan_acquire(address)
            defer { cthreading_tsan_release(address) }
            return try body(&value)
        }
    }
}
