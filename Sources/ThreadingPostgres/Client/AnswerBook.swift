import DequeModule

/// The client's book of futures waiting for their jobs, and what its watcher thread must
/// do next: a plain value, decided under one lock, tested without threads or a server.
///
/// Notifications name ended ids; ids nobody here waits for are remembered for a while
/// (the newest `recentCapacity`), because a job can end before `submit` has registered its
/// future: registering an id heard of already fetches it at once. When more ids were
/// forgotten than that, the registration asks for a sweep instead. And when LISTEN was not
/// in effect the whole time from before the insert to the registration (not yet
/// established, lost, or off), the notification may never have come: the registration
/// fetches the id at once.
struct AnswerBook {
    /// What the watcher does next.
    enum Work: Equatable {
        /// Re-add the listener on a new connection, then sweep.
        case listen
        /// Read these ended ids and finish their futures.
        case fetch([Int64])
        /// Read every pending id (a notification may have been missed).
        case sweep([Int64])
        /// Nothing to do until rung, or until the next sweep is due.
        case idle
        /// Stopping and nothing left to finish: the thread ends.
        case exit
    }

    static let recentCapacity = 65_536

    /// Several futures can wait for one job: `future(for:of:)` twice, or submits of one
    /// unique key.
    private(set) var pending: [Int64: [any PendingAnswer]] = [:]
    /// The ids this executor submitted, which `shutdown(wait:)` waits for.
    private(set) var own: Set<Int64> = []
    private var heardIDs: [Int64] = []
    private var recent: Set<Int64> = []
    private var recentOrder = Deque<Int64>()
    private var forgotten = 0
    private var sweepDue = false
    private var listenLost = true
    /// Counts the LISTENs established; nil while none is in effect.
    private var listenEpoch: Int?
    private var listens = 0
    private(set) var stopping = false

    /// Taken before an insert; `register` compares it with the book at registration.
    struct Ticket: Equatable {
        var forgotten: Int
        var listenEpoch: Int?
    }

    var ticket: Ticket { Ticket(forgotten: forgotten, listenEpoch: listenEpoch) }

    /// Ended ids from a notification (or from this process's own cancel).
    mutating func heard(_ ids: some Sequence<Int64>) {
        for id in ids {
            if pending[id] != nil {
                heardIDs.append(id)
            } else if recent.insert(id).inserted {
                recentOrder.append(id)
                if recentOrder.count > AnswerBook.recentCapacity, let oldest = recentOrder.popFirst() {
                    recent.remove(oldest)
                    forgotten += 1
                }
            }
        }
    }

    /// Adds the future of job `id`; `since` is the `ticket` taken before the insert.
    /// Returns whether the watcher must be rung (the job may have ended already).
    mutating func register(
        _ id: Int64, _ answer: any PendingAnswer, own isOwn: Bool, since: Ticket
    ) -> Bool {
        pending[id, default: []].append(answer)
        if isOwn { own.insert(id) }
        if recent.remove(id) != nil || since.listenEpoch == nil || since.listenEpoch != listenEpoch {
            heardIDs.append(id)
            return true
        }
        if forgotten != since.forgotten {
            sweepDue = true
            return true
        }
        return false
    }

    /// LISTEN is in effect on a new connection.
    mutating func listening() {
        listens += 1
        listenEpoch = listens
    }

    /// Takes the futures of an ended job off the book.
    mutating func remove(_ id: Int64) -> [any PendingAnswer] {
        own.remove(id)
        return pending.removeValue(forKey: id) ?? []
    }

    /// Takes every future off the book (to fail them all).
    mutating func removeAll() -> [any PendingAnswer] {
        defer {
            pending = [:]
            own = []
            heardIDs = []
        }
        return pending.values.flatMap { $0 }
    }

    /// The listen connection was lost (or never made): re-listen and sweep.
    mutating func lostListener() {
        listenLost = true
        listenEpoch = nil
    }

    /// The periodic sweep is due.
    mutating func requestSweep() { sweepDue = true }

    /// `shutdown`: the watcher ends once nothing is pending.
    mutating func stop() { stopping = true }

    mutating func nextWork(listening: Bool) -> Work {
        if stopping && pending.isEmpty { return .exit }
        if listening && listenLost {
            listenLost = false
            sweepDue = true
            return .listen
        }
        if sweepDue {
            sweepDue = false
            heardIDs = []
            return pending.isEmpty ? .idle : .sweep(Array(pending.keys))
        }
        if !heardIDs.isEmpty {
            defer { heardIDs = [] }
            return .fetch(heardIDs.filter { pending[$0] != nil })
        }
        return .idle
    }
}
