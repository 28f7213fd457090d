/// The state of a `Condition`: the threads waiting to be notified, oldest first.
///
/// Transitions: `wait(_:)` lists a waiter at the back; `notify(_:)` and `notifyAll()`
/// take waiters from the front (FIFO) and hand them back to wake; `withdraw(id:)` takes a
/// timed-out waiter out, or says a notify already took it.
struct ConditionState: Sendable {
    private(set) var waiters = WaitList<Waiter>()

    /// A waiter arrives; it is always listed (a condition has no "already set" state).
    mutating func wait(_ waiter: Waiter) -> Registration {
        waiters.append(waiter, id: waiter.id)
        return .listed
    }

    /// The `n` oldest waiters (fewer if fewer wait), removed, to resume.
    mutating func notify(_ n: Int) -> [Waiter] {
        waiters.removeFirst(upTo: Swift.max(n, 0))
    }

    /// Every waiter, oldest first, removed, to resume.
    mutating func notifyAll() -> [Waiter] {
        waiters.removeAll()
    }

    /// A waiter gives up (timeout): it is removed and returned if still listed; `nil`
    /// means a notify already took it, so it counts as notified.
    mutating func withdraw(id: UInt64) -> Waiter? {
        waiters.remove(id: id)
    }

    var waiterCount: Int { waiters.count }

    /// No waiter is listed twice, so one notify never wakes one waiter twice.
    func checkInvariants() -> Bool {
        waiters.hasUniqueIDs
    }
}
