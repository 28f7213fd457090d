/// The state of a `Semaphore` or `BoundedSemaphore`: free permits and who waits for one.
///
/// Not fair, as in CPython: a permit is free for whoever asks first, so a thread arriving
/// while permits are free takes one even if others are listed. Handing permits straight to
/// waiters instead made every hand-off wait for a context switch (a lock convoy: 8 threads
/// × 100,000 rounds of a `Semaphore(1)` used as a mutex ran past 10 s on a loaded 2-core
/// machine; about 0.3 s now).
///
/// Transitions: `acquire(_:)` takes a free permit or lists the waiter; `release(_:)` frees
/// permits and wakes listed waiters (oldest first), but only as many as there are free
/// permits not already claimed by a woken waiter on its way; a woken waiter comes back
/// through `retry(relisting:)`, which takes a free permit or lists it again at the front;
/// `withdraw(id:)` takes out a waiter that timed out or was cancelled, or says it was
/// already woken (then it must `retry`, so its wake-up is answered).
///
/// Invariant: while anyone is listed, at least as many woken waiters are on their way as
/// there are free permits, so a free permit is never left behind a sleeping waiter.
struct SemaphoreState: Sendable {
    /// Free permits.
    private(set) var value: Int
    /// A `BoundedSemaphore`'s initial value, above which `release` refuses; `nil` when
    /// unbounded.
    let bound: Int?
    /// Waiters asleep, oldest first.
    private(set) var waiters = WaitList<Waiter>()
    /// Waiters a release woke that have not yet come back through `retry`.
    private(set) var wokenCount = 0

    init(value: Int, bounded: Bool) {
        self.value = value
        self.bound = bounded ? value : nil
    }

    /// What `release(_:)` decided.
    enum ReleaseAction {
        /// The permits are free; these waiters (oldest first) must be resumed to try for
        /// them.
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

    /// Releases `n` permits (n ≥ 1, checked by the caller) and wakes the oldest listed
    /// waiters, one for each free permit no woken waiter is already coming for.
    mutating func release(_ n: Int) -> ReleaseAction {
        let (total, overflow) = value.addingReportingOverflow(n)
        if overflow { return .overflow }
        if let bound, total > bound { return .tooManyReleases }
        value = total
        guard !waiters.isEmpty, wokenCount < value else { return .released(wake: []) }
        let wake = waiters.removeFirst(upTo: value - wokenCount)
        wokenCount += wake.count
        return .released(wake: wake)
    }

    /// A woken waiter comes back: it takes a free permit (`true`); when none is left (a
    /// newcomer took it), it is listed again at the front as `relisting`, or, when `nil`
    /// (its time ran out or its task was cancelled), it leaves.
    mutating func retry(relisting waiter: Waiter?) -> Bool {
        wokenCount -= 1
        if tryAcquire() { return true }
        if let waiter { waiters.prepend(waiter, id: waiter.id) }
        return false
    }

    /// A waiter gives up (timeout or cancellation): it is removed and returned if still
    /// listed; `nil` means a release already woke it, and it must call `retry`.
    mutating func withdraw(id: UInt64) -> Waiter? {
        waiters.remove(id: id)
    }

    var waiterCount: Int { waiters.count }

    func checkInvariants() -> Bool {
        value >= 0 && wokenCount >= 0 && (waiters.isEmpty || wokenCount >= value)
            && (bound.map { value <= $0 } ?? true)
    }
}
