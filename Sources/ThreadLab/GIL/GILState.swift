/// The book-keeping of the simulated GIL, without threads or clocks (tested on its own).
///
/// Modelled on CPython's `Python/ceval_gil.c` ("new GIL", 3.2+) with FORCE_SWITCHING:
///
/// - `free` → `held` when a thread arrives and nobody holds it (`take`).
/// - A thread that finds it held queues up and waits one switch interval at a time. When
///   an interval passes with no switch at all (`switchNumber` unchanged), it sets
///   `dropRequested` — CPython's `gil_drop_request`, seen by the holder's eval breaker.
/// - The holder gives it up (`drop`) at its next check when a drop was requested, or
///   before any blocking call. With waiters queued, it goes straight to the first of them
///   (FORCE_SWITCHING: the requester gets it, the old holder cannot grab it back);
///   otherwise it becomes free.
///
/// `Token` is whatever wakes a waiter; the state only stores and returns it.
struct GILState<Token> {
    enum Holding: Equatable {
        case free
        case held(by: UInt64)
    }

    private(set) var holding = Holding.free
    /// Counts every change of holder, as CPython's `switch_number`.
    private(set) var switchNumber: UInt64 = 0
    /// Whether the holder has been asked to drop it at its next check.
    private(set) var dropRequested = false
    /// How many drops were requested (for the demo's figures).
    private(set) var dropRequests = 0
    /// Hand-overs from one thread straight to a waiting one.
    private(set) var forcedSwitches = 0
    private var waiters: [(id: UInt64, token: Token)] = []

    var waitingCount: Int { waiters.count }

    enum TakeAction {
        /// Taken at once.
        case acquired
        /// Held by another thread: wait on the token, then report a timeout with
        /// `timedOut(id:seen:)`; `seen` is the switch number to compare with.
        case mustWait(seen: UInt64)
    }

    /// Thread `id` wants the GIL.
    mutating func take(id: UInt64, token: Token) -> TakeAction {
        guard case .held = holding else {
            give(to: id)
            return .acquired
        }
        waiters.append((id, token))
        return .mustWait(seen: switchNumber)
    }

    enum TimeoutAction: Equatable {
        /// A dropping holder handed it to this waiter meanwhile.
        case acquired
        /// Still waiting; wait another interval and compare with `seen`.
        case keepWaiting(seen: UInt64)
    }

    /// Waiter `id` waited a full switch interval without being woken.
    mutating func timedOut(id: UInt64, seen: UInt64) -> TimeoutAction {
        if holding == .held(by: id) { return .acquired }
        // Only ask for a drop when no switch happened during the whole interval: a thread
        // that just got the GIL is left to run at least one interval (CPython does the same).
        if switchNumber == seen, !dropRequested {
            dropRequested = true
            dropRequests += 1
        }
        return .keepWaiting(seen: switchNumber)
    }

    enum DropAction {
        /// Nobody waits: the GIL is free.
        case freed
        /// Handed to the first waiter: wake it with its token.
        case handedOver(Token)
        /// The caller did not hold it.
        case notHeld
    }

    /// Holder `id` gives the GIL up.
    mutating func drop(id: UInt64) -> DropAction {
        guard holding == .held(by: id) else { return .notHeld }
        guard !waiters.isEmpty else {
            holding = .free
            dropRequested = false
            return .freed
        }
        let next = waiters.removeFirst()
        forcedSwitches += 1
        give(to: next.id)
        return .handedOver(next.token)
    }

    private mutating func give(to id: UInt64) {
        holding = .held(by: id)
        switchNumber &+= 1
        dropRequested = false
    }

    /// What must always hold: a waiter never waits while the GIL is free, and the holder is
    /// never among the waiters.
    func checkInvariants() -> Bool {
        switch holding {
        case .free: return waiters.isEmpty && !dropRequested
        case .held(let id): return !waiters.contains { $0.id == id }
        }
    }
}
