import Glibc

extension Trace {
    /// Writes the trace in the Trace Event Format (JSON) that Perfetto
    /// (https://ui.perfetto.dev) and chrome://tracing open.
    ///
    /// Each thread is a track named after it ("M" `thread_name` metadata); waits, lock
    /// holds and task runs are complete events ("X"); thread start/end, signals, queue
    /// items and submissions are instant events ("i"); hand-offs (a release waking a
    /// waiter, a submit starting a task) are flow events ("s"/"f"). A process-pool worker
    /// is a process of its own. Times are microseconds since `Tracing.start()`.
    ///
    /// Throws `ThreadingError.invalidArgument` naming the path and the reason when the
    /// file cannot be created or written.
    public func writeChromeTrace(to path: String) throws {
        let model = TraceModel(self)
        var file = try TraceFile(path: path)
        let pid = Int64(getpid())
        func place(_ lane: TraceModel.Lane) -> (pid: Int64, tid: Int64) {
            lane.id < 0 ? (-lane.id, -lane.id) : (pid, lane.id)
        }
        func time(_ nanoseconds: Int64) -> String { TraceText.microseconds(nanoseconds - model.start) }

        try file.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n")
        try file.write(
            "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":\(pid),\"tid\":0,\"args\":{\"name\":\"swift-threading\"}}"
        )
        for (index, lane) in model.lanes.enumerated() {
            let (p, t) = place(lane)
            if lane.id < 0 {
                try file.write(
                    ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":\(p),\"tid\":0,\"args\":{\"name\":\(TraceText.json(lane.name))}}"
                )
            }
            try file.write(
                ",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":\(p),\"tid\":\(t),\"args\":{\"name\":\(TraceText.json(lane.name))}}"
            )
            try file.write(
                ",\n{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":\(p),\"tid\":\(t),\"args\":{\"sort_index\":\(index)}}"
            )
            for span in lane.spans {
                try file.write(
                    ",\n{\"ph\":\"X\",\"name\":\(TraceText.json(span.name)),\"cat\":\(TraceText.json(Self.chromeCategory(span.category))),"
                        + "\"pid\":\(p),\"tid\":\(t),\"ts\":\(time(span.start)),\"dur\":\(TraceText.microseconds(span.end - span.start)),"
                        + "\"args\":{\"satisfied\":\(span.satisfied)}}")
            }
            for instant in lane.instants {
                try file.write(
                    ",\n{\"ph\":\"i\",\"s\":\"t\",\"name\":\(TraceText.json(instant.name)),\"cat\":\"event\","
                        + "\"pid\":\(p),\"tid\":\(t),\"ts\":\(time(instant.time))}")
            }
        }
        for (id, arrow) in model.arrows.enumerated() {
            let from = place(model.lanes[arrow.fromLane])
            let to = place(model.lanes[arrow.toLane])
            let name = TraceText.json(arrow.name)
            try file.write(
                ",\n{\"ph\":\"s\",\"id\":\(id),\"name\":\(name),\"cat\":\"handoff\",\"pid\":\(from.pid),\"tid\":\(from.tid),\"ts\":\(time(arrow.fromTime))}"
            )
            try file.write(
                ",\n{\"ph\":\"f\",\"bp\":\"e\",\"id\":\(id),\"name\":\(name),\"cat\":\"handoff\",\"pid\":\(to.pid),\"tid\":\(to.tid),\"ts\":\(time(arrow.toTime))}"
            )
        }
        try file.write("\n]}\n")
        try file.flush()
    }

    static func chromeCategory(_ category: TraceModel.Category) -> String {
        switch category {
        case .running: "running"
        case .task: "task"
        case .lockHeld: "lock"
        case .lockWait: "lock-wait"
        case .queueWait: "queue-wait"
        case .signalWait: "signal-wait"
        case .otherWait: "wait"
        }
    }
}
