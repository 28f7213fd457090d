/// The waiting side of a ring queue (`RingQueueStorage`): who waits to get, to put, to
/// join, and whether the queue is shut down. The items themselves live in the lock-free
/// ring; this state is kept under the queue's one lock, which only waiters, wakers and
/// `shutdown` take.
///
/// Plain data (no locks, threads or clocks); one mutating method per event. Every method
/// that changes a list returns the new list sizes, which the storage mirrors into atomics
/// so a put or get can see "someone sleeps" with one load and take the lock only then.
///
/// Phases: `open` → `shutDown` (by `shutdown(immediate:)`; never back).
///
/// Unlike `QueueState`, a getter may be listed after a shutdown: a put that claimed its
/// slot before the shutdown may still be filling it, and its getter waits for it (the
/// put wakes it).
struct RingQueueState: Sendable {
    var getters = WaitList<Waiter>()
    var putters = WaitList<Waiter>()
    var joiners = WaitList<Waiter>()
    var phase = QueuePhase.open

    init() {}

    /// How many waiters each list holds, for the storage's "someone sleeps" atomics.
    struct Sizes: Equatable, Sendable {
        var getters: Int
        var putters: Int
        var joiners: Int
    }

    var sizes: Sizes { Sizes(getters: getters.count, putters: putters.count, joiners: joiners.count) }

    /// Which list an event concerns.
    enum Kind: Sendable {
        case getter, putter, joiner
    }

    /// A waiter announces that it is about to wait; the caller then re-checks the ring
    /// (after mirroring the new size) and withdraws if it need not wait after all.
    mutating func list(_ waiter: Waiter, as kind: Kind) -> Sizes {
        switch kind {
        case .getter: getters.append(waiter, id: waiter.id)
        case .putter: putters.append(waiter, id: waiter.id)
        case .joiner: joiners.append(waiter, id: waiter.id)
        }
        return sizes
    }

    /// A waiter gives up or found it need not wait; `nil` means a waker already chose it.
    mutating func withdraw(id: UInt64, as kind: Kind) -> (Waiter?, Sizes) {
        let waiter =
            switch kind {
            case .getter: getters.remove(id: id)
            case .putter: putters.remove(id: id)
            case .joiner: joiners.remove(id: id)
            }
        return (waiter, sizes)
    }

    enum WakeAction: Sendable {
        /// Resume this waiter after unlocking; mirror the sizes.
        case wake(Waiter, Sizes)
        /// Nobody of that kind is listed (a waiter withdrew first).
        case nobody
    }

    /// An item was published (wake a getter) or a slot freed (wake a putter): the oldest
    /// waiter of that kind, removed. It retries its operation when it runs.
    mutating func wakeOne(_ kind: Kind) -> WakeAction {
        let waiter =
            switch kind {
            case .getter: getters.popFirst()
            case .putter: putters.popFirst()
            case .joiner: joiners.popFirst()
            }
        guard let waiter else { return .nobody }
        return .wake(waiter, sizes)
    }

    /// The unfinished count was seen at zero under the lock: every joiner, removed.
    mutating func allTasksDone() -> ([Waiter], Sizes) {
        (joiners.removeAll(), sizes)
    }

    /// Shuts the queue down (again): every getter and putter, removed, to resume after
    /// unlocking; every joiner too when `nothingUnfinished` (after an immediate shutdown
    /// dropped the items left). The caller sets the ring's shutdown bit under the same lock.
    mutating func shutdown(nothingUnfinished: Bool) -> ([Waiter], Sizes) {
        phase = .shutDown
        var wake = getters.removeAll()
        wake += putters.removeAll()
        if nothingUnfinished { wake += joiners.removeAll() }
        return (wake, sizes)
    }

    /// After a shutdown no putter may be listed: a put throws instead of waiting.
    func checkInvariants() -> Bool {
        phase == .open || putters.isEmpty
    }
}
