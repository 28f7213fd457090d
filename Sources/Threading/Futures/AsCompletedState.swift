import DequeModule

/// The state of an `asCompleted` iteration: futures done but not yet handed out, in
/// completion order; how many are still running; who waits for the next one.
///
/// Transitions: `complete` moves one future from pending to finished and hands back a
/// waiter to wake (one per future); `take` hands out the oldest finished future, says the
/// iteration is exhausted when nothing is pending or finished, or that the caller must
/// wait (`wait` lists it).
struct AsCompletedState<T: Sendable>: Sendable {
    enum TakeAction: Sendable {
        case future(Future<T>)
        case exhausted
        case mustWait
    }

    private(set) var finished: Deque<Future<T>> = []
    private(set) var pending: Int
    private var waiters = WaitList<Waiter>()
    /// Whether an iteration gave up at its deadline.
    var timedOut = false

    init(pending: Int, finished: [Future<T>]) {
        self.pending = pending
        self.finished = Deque(finished)
    }

    var waiterCount: Int { waiters.count }

    /// A pending future is done: queue it and wake one waiter — or every waiter when it
    /// was the last, since the iteration then ends for all of them.
    mutating func complete(_ future: Future<T>) -> [Waiter] {
        pending -= 1
        finished.append(future)
        if pending == 0 { return waiters.removeAll() }
        return waiters.popFirst().map { [$0] } ?? []
    }

    mutating func take() -> TakeAction {
        if let future = finished.popFirst() { return .future(future) }
        return pending == 0 ? .exhausted : .mustWait
    }

    mutating func wait(_ waiter: Waiter) -> Registration {
        if !finished.isEmpty || pending == 0 { return .proceed }
        waiters.append(waiter, id: waiter.id)
        return .listed
    }

    mutating func withdraw(id: UInt64) -> Waiter? {
        waiters.remove(id: id)
    }

    func checkInvariants() -> Bool {
        pending >= 0 && (pending > 0 || waiters.isEmpty)
    }
}
