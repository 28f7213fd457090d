/// The state of an `Event`: its flag and who waits for it to be set.
///
/// Transitions: `set()` makes the flag true and hands back every waiter to wake;
/// `clear()` makes it false; `wait(_:)` either finds it set or lists the waiter.
struct EventState: Sendable {
    private(set) var isSet = false
    private(set) var waiters = WaitList<Waiter>()

    /// Sets the flag; returns the waiters to resume (all of them).
    mutating func set() -> [Waiter] {
        isSet = true
        return waiters.removeAll()
    }

    mutating func clear() { isSet = false }

    /// A waiter arrives; it is listed unless the flag is already set.
    mutating func wait(_ waiter: Waiter) -> Registration {
        if isSet { return .proceed }
        waiters.append(waiter, id: waiter.id)
        return .listed
    }

    /// A waiter gives up (timeout or cancellation): it is removed and returned if still
    /// listed; `nil` means `set()` already took it, so its wake-up is on its way.
    mutating func withdraw(id: UInt64) -> Waiter? {
        waiters.remove(id: id)
    }

    func checkInvariants() -> Bool {
        !isSet || waiters.isEmpty
    }
}
