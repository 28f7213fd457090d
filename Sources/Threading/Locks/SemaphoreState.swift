/// The state of a `Semaphore` or `BoundedSemaphore`: free permits and who waits for one.
///
/// Transitions: `acquire(_:)` takes a free permit or lists the waiter; `release(_:)` hands
/// permits straight to the oldest waiters (so no newcomer can overtake a waiter) and keeps
/// the rest; `withdraw(id:)` takes out a waiter that timed out or was cancelled, or says a
/// release already gave it a permit. Invariant: permits are free only while no one waits.
struct SemaphoreState: Sendable {
    /// Free permits.
    private(set) var value: Int
    /// A `BoundedSemaphore`'s initial value, above which `release` refuses; `nil` when
    /// unbounded.
    let bound: Int?
    private(set) var waiters = WaitList<Waiter>()

    init(value: Int, bounded: Bool) {
        self.value = value
        self.bound = bounded ? value : nil
    }

    /// What `release(_:)` decided.
    enum ReleaseAction {
        /// The permits were given: these waiters (oldest first) each got one and must be
        /// resumed; the rest were added to `value`.
        case released(wake: [Waiter])
        /// A bounded semaphore would go above its initial value; nothing changed.
        case tooManyReleases
        /// The count would overflow `Int`; nothing changed.
        case overflow
    }

    /// A waiter arrives: it takes a free permit (`.proceed`) or is listed.
    mutating func acquire(_ waiter: Waiter) -> Registration {
        if tryAcquire() { return .proceed }
        waiters.append(waiter, id: waiter.id)
        return .listed
    }

    /// Takes a free permit if there is one.
    mutating func tryAcquire() -> Bool {
        guard value > 0 else { return false }
        value -= 1
        return true
    }

    /// Releases `n` permits (n ≥ 1, checked by the caller): the oldest waiters get one each,
    /// the rest become free.
    mutating func release(_ n: Int) -> ReleaseAction {
        let (total, overflow) = value.addingReportingOverflow(n)
        if overflow { return .overflow }
        if let bound, total > bound { return .tooManyReleases }
        if waiters.isEmpty {
            value = total
            return .released(wake: [])
        }
        let wake = waiters.removeFirst(upTo: n)
        value = total - wake.count
        return .released(wake: wake)
    }

    /// A waiter gives up (timeout or cancellation): it is removed and returned if still
    /// listed; `nil` means a release already handed it a permit, so it holds one.
    mutating func withdraw(id: UInt64) -> Waiter? {
        waiters.remove(id: id)
    }

    var waiterCount: Int { waiters.count }

    func checkInvariants() -> Bool {
        value >= 0 && (waiters.isEmpty || value == 0) && (bound.map { value <= $0 } ?? true)
    }
}
