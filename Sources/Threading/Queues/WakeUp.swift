/// One waiter chosen to wake (or none), handed out of the lock and resumed after it.
/// Opaque to the inlinable fast path, which only passes it on and calls `resume()`.
@usableFromInline
struct WakeUp: Sendable {
    let waiter: Waiter?

    init(_ waiter: Waiter?) { self.waiter = waiter }

    @usableFromInline
    func resume() { waiter?.resume() }
}
