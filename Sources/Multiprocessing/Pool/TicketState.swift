/// Where one job stands, as far as cancelling goes: still with the pool, sent to a worker
/// (which may or may not have reached it), started, or cancelled. `JobTicket` holds it in
/// one lock; the pool and `Future.cancel()` move it on.
///
/// ```
/// queued ──send──▶ sent ──cancel, cell claimed──▶ cancelled
///   │  ▲            │ └──cancel, worker first / finish──▶ started
///   │  └─takeBack───┘
///   └──cancel──▶ cancelled
/// ```
/// Once sent, the job's cell in its worker's shared memory decides: the worker claims it
/// before running the job, `cancel()` claims it to stop the job; whoever comes second
/// loses. `cancelled` and `started` never turn into each other.
struct TicketState: Sendable {
    enum Phase {
        case queued
        case sent(page: SharedPage, sequence: Int)
        case started
        case cancelled
    }

    private(set) var phase: Phase = .queued

    /// The pool gives the job to a worker as its job `sequence`, whose cell in `page` it
    /// will use: false when it was cancelled first (the pool drops it).
    mutating func send(page: SharedPage, sequence: Int) -> Bool {
        if case .cancelled = phase { return false }
        page.resetCell(sequence: sequence)
        phase = .sent(page: page, sequence: sequence)
        return true
    }

    /// `Future.cancel()`: true when the job will never start (the worker skips it),
    /// false when it has started.
    mutating func cancel() -> Bool {
        switch phase {
        case .queued:
            phase = .cancelled
            return true
        case .sent(let page, let sequence):
            if page.cancelCell(sequence: sequence) {
                phase = .cancelled
                return true
            }
            phase = .started
            return false
        case .started: return false
        case .cancelled: return true
        }
    }

    /// Its answer arrived, or it was what its worker ran when it died: no cancelling now
    /// (and the worker's memory is no longer needed). Until then a cancel fails anyway,
    /// on the cell.
    mutating func finish() {
        if case .cancelled = phase { return }
        phase = .started
    }

    /// Its worker died before reaching it: it goes back to the queue (true) unless it was
    /// cancelled (false: the pool drops it).
    mutating func takeBack() -> Bool {
        if case .cancelled = phase { return false }
        phase = .queued
        return true
    }

    var isCancelled: Bool {
        if case .cancelled = phase { return true }
        return false
    }
}
