import Synchronization

/// What a primitive's state said when a waiter arrived.
enum Registration: Equatable {
    /// No need to wait (the event is set, a permit was free…).
    case proceed
    /// The waiter is listed; a waker will resume it.
    case listed
    /// The task was already cancelled; nothing was listed.
    case cancelled
}

/// Blocks the calling thread as a waiter of a primitive.
///
/// `register` runs the primitive's arrival under its lock and says whether the waiter was
/// listed. When the deadline passes, `withdraw` (under the lock) removes the waiter if it is
/// still listed; if it is not, a waker already chose it, so its wake-up is taken and the
/// wait counts as woken. Returns `true` when woken (or no wait was needed), `false` on
/// timeout.
func blockAsWaiter(
    deadline: Deadline, spin: ThreadParker.Spin = .none,
    register: (Waiter) -> Registration,
    withdraw: (UInt64) -> Bool
) -> Bool {
    let parker = ThreadParker()
    let waiter = Waiter(id: Waiter.nextID(), handle: .thread(parker))
    guard register(waiter) == .listed else { return true }
    if parker.park(until: deadline, spin: spin) { return true }
    if withdraw(waiter.id) {
        WaitingChanges.note()
        return false
    }
    parker.park()
    return true
}

/// Suspends the calling task as a waiter of a primitive, holding no thread.
///
/// `register` runs the primitive's arrival under its lock; it must return `.cancelled`
/// when `Task.isCancelled` is true *under that lock*, so a cancellation that comes before
/// the waiter is listed is never missed. On cancellation `withdraw` removes the waiter if
/// it is still listed, and the task throws `CancellationError`; a waiter a waker already
/// chose resumes normally (its permit or wake-up is not lost).
///
/// The continuation carries nothing (see `Waiter`): whether the wait ended in cancellation
/// is a flag on this function's frame, stored by the cancellation handler before it
/// resumes the task and read by the task after it resumes.
func suspendAsWaiter(
    register: (Waiter) -> Registration,
    withdraw: @Sendable (UInt64) -> Waiter?
) async throws {
    let id = Waiter.nextID()
    let withdrawnByCancellation = Atomic<Bool>(false)
    var registration = Registration.listed
    await withTaskCancellationHandler {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            registration = register(Waiter(id: id, handle: .task(continuation)))
            if registration != .listed {
                continuation.resume()
            } else {
                WaitingChanges.note()
            }
        }
    } onCancel: {
        guard let waiter = withdraw(id) else { return }
        withdrawnByCancellation.store(true, ordering: .releasing)
        waiter.resume()
    }
    if registration == .cancelled || withdrawnByCancellation.load(ordering: .acquiring) {
        throw CancellationError()
    }
}
