import Synchronization

/// A thread or a Swift task blocked on a primitive, as its waiter list holds it.
///
/// Primitives decide under their lock whom to wake, remove that waiter from the list, and
/// call `resume()` after unlocking (decide under the lock, act after it).
struct Waiter: Sendable {
    enum Handle: Sendable {
        case thread(ThreadParker)
        case task(UnsafeContinuation<Void, any Error>)
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

    /// Ends the waiter's wait with an error; a parked thread just wakes and re-checks.
    func resume(throwing error: any Error) {
        switch handle {
        case .thread(let parker): parker.unpark()
        case .task(let continuation): continuation.resume(throwing: error)
        }
    }

    private static let counter = Atomic<UInt64>(1)

    /// A fresh id, taken before registering so a cancellation handler can name the waiter.
    static func nextID() -> UInt64 {
        counter.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
