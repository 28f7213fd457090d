import Synchronization

/// A thread or a Swift task blocked on a primitive, as its waiter list holds it.
///
/// Primitives decide under their lock whom to wake, remove that waiter from the list, and
/// call `resume()` after unlocking (decide under the lock, act after it).
///
/// A task's continuation carries no value and no error: what the wait found (an item, a
/// permit, a cancellation) travels in the primitive's locked state or in the suspending
/// function's own flag. ThreadSanitizer (Swift 6.3, Linux) reports a race between a value
/// or error that `resume` writes into the task and the task reading it, a gap in the
/// runtime's annotations that a program on the standard library alone shows; a continuation
/// that carries nothing gives it nothing to report.
struct Waiter: Sendable {
    enum Handle: Sendable {
        case thread(ThreadParker)
        case task(UnsafeContinuation<Void, Never>)
    }

    /// Unique for the life of the process, so a timed-out or cancelled waiter can find
    /// and remove itself.
    let id: UInt64
    let handle: Handle

    /// Makes the waiter's wait return normally.
    func resume() {
        switch handle {
        case .thread(let parker): parker.unpark()
        case .task(let continuation): continuation.resume()
        }
    }

    private static let counter = Atomic<UInt64>(1)

    /// A fresh id, taken before registering so a cancellation handler can name the waiter.
    static func nextID() -> UInt64 {
        counter.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
