/// A `StateLock` in a class: state that threads and closures share by reference, such as
/// the process pool's book-keeping and the lab's logs and counters.
///
/// Not the package's `Lock`: a `Lock` is a user-facing primitive that the lock-order
/// checker and the tracer see, and the package's own book-keeping must not show up in
/// their reports. Not `Synchronization.Mutex`: see `StateLock`.
package final class LockedState<State>: Sendable {
    private let lock: StateLock<State>

    package init(_ initial: State) {
        lock = StateLock(initial)
    }

    /// Runs `body` with exclusive access to the state. `body` must not block or call out
    /// to user code: decide under the lock, act after it.
    @inline(__always)
    package func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        try lock.withLock(body)
    }
}
