import Synchronization

/// A thread or a Swift task blocked on a primitive, as its waiter list holds it.
///
/// Primitives decide under their lock whom to wake, remove that waiter from the list, and
/// call `resume()` after unlocking (decide under the lock, act after it).
///
/// A task's continuation carries no value and no error: what the wait found (an item, a
/// permit, a cancellation) travels in the primitive's locked state or in the suspending
/// function's own flag. ThreadSanitizer (Swift 6.3, Linux) reports a value or error that
/// `resume` writes into the task as racing with the task's read of it, a gap in the
/// runtime's annotations that a program on the standard library alone shows; carrying
/// nothing removes that report. One narrower gap remains on the resume path itself (the
/// resumer's read of the task's frame), suppressed for that one runtime frame in
/// `.ci/tsan-suppressions.txt`, with its repro in `.ci/tsan-repro/`.
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
        case .task(let continuation):
            continuation.resume()
            WaitingChanges.note()
        }
    }

    private static let counter = Atomic<UInt64>(1)

    /// A fresh id, taken before registering so a cancellation handler can name the waiter.
    static func nextID() -> UInt64 {
        counter.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
