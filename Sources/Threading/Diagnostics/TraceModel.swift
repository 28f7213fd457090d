/// A trace turned into what the writers draw: per lane (thread, or process-pool worker)
/// the spans of time it spent in each state, its instant markers, and the hand-offs
/// between lanes. Records are paired here once (a wait's begin with its end, a lock's
/// acquisition with its release, a task's start with its finish).
struct TraceModel {
    enum Category: Int, CaseIterable {
        /// Alive, not waiting for anything this package knows of.
        case running
        /// Running the work of a future, or (on a worker lane) a process task.
        case task
        /// Holding a lock (drawn as a thin bar, it overlaps the other states).
        case lockHeld
        /// Blocked acquiring a lock.
        case lockWait
        /// Blocked in a queue's put or get.
        case queueWait
        /// Blocked on an event, condition, semaphore or barrier.
        case signalWait
        /// Blocked on a future's result or a thread's join.
        case otherWait

        var title: String {
            switch self {
            case .running: "running"
            case .task: "running a task"
            case .lockHeld: "holding a lock"
            case .lockWait: "waiting for a lock"
            case .queueWait: "waiting on a queue"
            case .signalWait: "waiting on an event / condition / semaphore / barrier"
            case .otherWait: "waiting for a result or a thread"
            }
        }

        static func of(_ kind: TraceWaitKind) -> Category {
            switch kind {
            case .queueGet, .queuePut: .queueWait
            case .event, .condition, .semaphore, .barrier: .signalWait
            case .futureResult, .threadJoin, .other: .otherWait
            }
        }
    }

    struct Span {
        var category: Category
        var start: Int64
        var end: Int64
        /// What the span is about, e.g. `wait for lock "accounts"`.
        var name: String
        /// False for a wait that timed out or was still going at the end of the trace.
        var satisfied = true
    }

    struct Instant {
        var time: Int64
        var name: String
    }

    struct Lane {
        var name: String
        /// Kernel thread id, or for a worker lane `-pid`.
        var id: Int64
        var alive: (start: Int64, end: Int64)
        var spans: [Span] = []
        var instants: [Instant] = []
    }

    struct Arrow {
        var fromLane: Int
        var fromTime: Int64
        var toLane: Int
        var toTime: Int64
        var name: String
    }

    var lanes: [Lane] = []
    var arrows: [Arrow] = []
    var start: Int64
    var end: Int64
    var recordCount: Int

    init(_ trace: Trace) {
        start = trace.startTime
        end = max(trace.endTime, trace.startTime + 1)
        recordCount = trace.eventCount
        // Worker lanes go after every thread lane; until then arrows name them `-1 - index`.
        var workers: [Lane] = []
        var workerIndex: [Int64: Int] = [:]
        var dispatched: [UInt64: (lane: Int, time: Int64, label: String?)] = [:]
        // Who may have ended a wait on an object: (time, lane, what) per object id.
        var wakers: [UInt64: [(time: Int64, lane: Int, kind: TraceKind)]] = [:]
        var submitted: [UInt64: (lane: Int, time: Int64)] = [:]
        var startsOfFutures: [(object: UInt64, lane: Int, time: Int64)] = []
        var endedWaits: [(lane: Int, span: Span, object: UInt64, kind: TraceKind?)] = []

        // The main thread first, then the others in the order they first did something.
        let threads = trace.threads.sorted {
            ($0.name == "MainThread" ? 0 : 1, $0.records.first?.time ?? .max)
                < ($1.name == "MainThread" ? 0 : 1, $1.records.first?.time ?? .max)
        }
        for thread in threads {
            let laneIndex = lanes.count
            var lane = Lane(name: thread.name, id: thread.id, alive: (start, end))
            var lockWaits: [UInt64: (time: Int64, label: String?)] = [:]
            var held: [UInt64: (time: Int64, label: String)] = [:]
            var waits: [(object: UInt64, kind: TraceWaitKind, start: Int64, label: String?)] = []
            var running: [UInt64: Int64] = [:]
            for record in thread.records {
                let time = record.time
                switch record.kind {
                case .threadStarted:
                    lane.alive.start = time
                    lane.instants.append(Instant(time: time, name: "thread started"))
                case .threadEnded:
                    lane.alive.end = time
                    lane.instants.append(Instant(time: time, name: "thread ended"))
                case .lockWaitBegan:
                    lockWaits[record.object] = (time, record.label)
                case .lockGaveUp:
                    if let began = lockWaits.removeValue(forKey: record.object) {
                        lane.spans.append(
                            Span(
                                category: .lockWait, start: began.time, end: time,
                                name: "wait for lock \"\(record.label ?? "?")\" (gave up)", satisfied: false))
                    }
                case .lockAcquired:
                    lockWaits[record.object] = nil
                    let label = record.label ?? "lock"
                    if record.start < time {
                        let span = Span(
                            category: .lockWait, start: record.start, end: time,
                            name: "wait for lock \"\(label)\"")
                        lane.spans.append(span)
                        endedWaits.append((laneIndex, span, record.object, .lockReleased))
                    }
                    held[record.object] = (time, label)
                case .lockReleased:
                    wakers[record.object, default: []].append((time, laneIndex, .lockReleased))
                    if let acquired = held.removeValue(forKey: record.object) {
                        lane.spans.append(
                            Span(
                                category: .lockHeld, start: acquired.time, end: time,
                                name: "hold lock \"\(acquired.label)\""))
                    } else {
                        lane.instants.append(
                            Instant(
                                time: time,
                                name: "released lock \"\(record.label ?? "?")\" taken by another thread"))
                    }
                case .waitBegan:
                    waits.append((record.object, record.waitKind, time, record.label))
                case .waitEnded:
                    if let index = waits.lastIndex(where: {
                        $0.object == record.object && $0.kind == record.waitKind
                    }) {
                        waits.remove(at: index)
                    }
                    let span = Span(
                        category: Category.of(record.waitKind), start: record.start, end: time,
                        name: Self.waitName(record.waitKind, record.label), satisfied: record.value != 0)
                    lane.spans.append(span)
                    if span.satisfied {
                        endedWaits.append((laneIndex, span, record.object, Self.waker(of: record.waitKind)))
                    }
                case .signaled:
                    wakers[record.object, default: []].append((time, laneIndex, .signaled))
                    lane.instants.append(Instant(time: time, name: "\(Self.signalName(record.waitKind))"))
                case .queuePut:
                    wakers[record.object, default: []].append((time, laneIndex, .queuePut))
                    lane.instants.append(Instant(time: time, name: Self.itemName("put", record)))
                case .queueGot:
                    wakers[record.object, default: []].append((time, laneIndex, .queueGot))
                    lane.instants.append(Instant(time: time, name: Self.itemName("get", record)))
                case .futureSubmitted:
                    submitted[record.object] = (laneIndex, time)
                    lane.instants.append(Instant(time: time, name: "submit \(record.label ?? "task")"))
                case .futureStarted:
                    running[record.object] = time
                    startsOfFutures.append((record.object, laneIndex, time))
                case .futureFinished:
                    wakers[record.object, default: []].append((time, laneIndex, .futureFinished))
                    let began = running.removeValue(forKey: record.object) ?? time
                    lane.spans.append(
                        Span(
                            category: .task, start: began, end: time,
                            name: record.value != 0 ? "task (failed)" : "task"))
                case .processTaskDispatched:
                    dispatched[record.object] = (laneIndex, time, record.label)
                    lane.instants.append(
                        Instant(
                            time: time,
                            name: record.value == 0
                                ? "submit process task \(record.object) to the pool"
                                : "dispatch process task \(record.object) to pid \(record.value)")
                    )
                case .processTaskFinished:
                    let pid = record.value & 0xFFFF_FFFF
                    let failed = record.value >> 32 != 0
                    lane.instants.append(
                        Instant(time: time, name: "process task \(record.object) done by pid \(pid)"))
                    let from = dispatched.removeValue(forKey: record.object)
                    let workerSlot =
                        workerIndex[pid]
                        ?? {
                            workers.append(Lane(name: "worker process \(pid)", id: -pid, alive: (start, end)))
                            workerIndex[pid] = workers.count - 1
                            return workers.count - 1
                        }()
                    let worker = -1 - workerSlot
                    workers[workerSlot].spans.append(
                        Span(
                            category: .task, start: from?.time ?? time, end: time,
                            name:
                                "process task \(record.object)\(from?.label.map { " \($0)" } ?? "")\(failed ? " (failed)" : "")",
                            satisfied: !failed))
                    if let from {
                        arrows.append(
                            Arrow(
                                fromLane: from.lane, fromTime: from.time, toLane: worker, toTime: from.time,
                                name: "dispatch"))
                    }
                    arrows.append(
                        Arrow(
                            fromLane: worker, fromTime: time, toLane: laneIndex, toTime: time, name: "result")
                    )
                }
            }
            // Whatever is still open was still going when tracing stopped.
            for (_, began) in lockWaits {
                lane.spans.append(
                    Span(
                        category: .lockWait, start: began.time, end: end,
                        name: "wait for lock \"\(began.label ?? "?")\" (still waiting at the end)",
                        satisfied: false))
            }
            for wait in waits {
                lane.spans.append(
                    Span(
                        category: Category.of(wait.kind), start: wait.start, end: end,
                        name: Self.waitName(wait.kind, wait.label) + " (still waiting at the end)",
                        satisfied: false))
            }
            for (_, acquired) in held {
                lane.spans.append(
                    Span(
                        category: .lockHeld, start: acquired.time, end: end,
                        name: "hold lock \"\(acquired.label)\""))
            }
            for (_, began) in running {
                lane.spans.append(
                    Span(category: .task, start: began, end: end, name: "task (still running at the end)"))
            }
            lane.spans.sort { $0.start < $1.start }
            lanes.append(lane)
        }
        let threadLanes = lanes.count
        lanes += workers
        arrows = arrows.map { arrow in
            var arrow = arrow
            if arrow.fromLane < 0 { arrow.fromLane = threadLanes - 1 - arrow.fromLane }
            if arrow.toLane < 0 { arrow.toLane = threadLanes - 1 - arrow.toLane }
            return arrow
        }
        for (object, lane, time) in startsOfFutures {
            if let from = submitted[object], from.lane != lane {
                arrows.append(
                    Arrow(
                        fromLane: from.lane, fromTime: from.time, toLane: lane, toTime: time,
                        name: "submit → start"))
            }
        }
        // A satisfied wait was most likely ended by the last waker of its object on
        // another lane during the wait.
        for (key, value) in wakers { wakers[key] = value.sorted { $0.time < $1.time } }
        for wait in endedWaits {
            guard let kind = wait.kind, let candidates = wakers[wait.object] else { continue }
            // The last candidate at or before the wait's end, then back while in the wait.
            var low = 0
            var high = candidates.count
            while low < high {
                let middle = (low + high) / 2
                if candidates[middle].time <= wait.span.end { low = middle + 1 } else { high = middle }
            }
            var index = low - 1
            var looked = 0
            while index >= 0, candidates[index].time >= wait.span.start, looked < Self.wakerSearchLimit {
                let waker = candidates[index]
                if waker.kind == kind && waker.lane != wait.lane {
                    arrows.append(
                        Arrow(
                            fromLane: waker.lane, fromTime: waker.time, toLane: wait.lane,
                            toTime: wait.span.end,
                            name: "hand-off: \(wait.span.name)"))
                    break
                }
                index -= 1
                looked += 1
            }
        }
    }

    /// How far back a hand-off is looked for among an object's events during one wait.
    static let wakerSearchLimit = 64

    static func waker(of kind: TraceWaitKind) -> TraceKind? {
        switch kind {
        case .event, .condition, .semaphore, .barrier: .signaled
        case .queueGet: .queuePut
        case .queuePut: .queueGot
        case .futureResult: .futureFinished
        case .threadJoin, .other: nil
        }
    }

    static func waitName(_ kind: TraceWaitKind, _ label: String?) -> String {
        label.map { "\(kind.title) \"\($0)\"" } ?? kind.title
    }

    static func signalName(_ kind: TraceWaitKind) -> String {
        switch kind {
        case .event: "event set"
        case .condition: "condition notify"
        case .semaphore: "semaphore release"
        case .barrier: "barrier tripped"
        default: "signal"
        }
    }

    static func itemName(_ verb: String, _ record: TraceRecord) -> String {
        let queue = record.label.map { " \"\($0)\"" } ?? ""
        return record.value >= 0 ? "queue\(queue) \(verb) (\(record.value) queued)" : "queue\(queue) \(verb)"
    }
}
