import Threading

/// What the cluster scenario has read from its workers' output: which serve, which job
/// started on which pid and when, which drained, whose output has ended.
package struct ClusterBook: Sendable {
    /// One start of a job: its `ClusterTask` line.
    package struct Start: Sendable, Equatable {
        package var job: Int
        package var pid: Int32
        package var time: ContinuousClock.Instant
    }

    /// The workers (by index) that printed their start line, their drained line, and
    /// whose output has ended.
    package private(set) var serving: Set<Int> = []
    package private(set) var drained: Set<Int> = []
    package private(set) var ended: Set<Int> = []
    /// Every start of a job, in the order the lines were read.
    package private(set) var starts: [Start] = []
    /// The last lines read, for a failure's message.
    private var recent: [String] = []

    package init() {}

    /// The starts of `job`, in order.
    package func starts(of job: Int) -> [Start] {
        starts.filter { $0.job == job }
    }

    /// How many times each job started.
    package var startCounts: [Int: Int] {
        starts.reduce(into: [:]) { counts, start in counts[start.job, default: 0] += 1 }
    }

    /// Reads lines from `lines` into the book until `done` holds, handing each line and the
    /// start it records (if any) to `show`. Blocks on the queue, at most `timeout` in all.
    ///
    /// - Throws: `ClusterScenario.Failure` naming `what` when `timeout` passes first.
    package mutating func read(
        _ lines: Queue<WorkerProcess.Line>, timeout: Duration, waitingFor what: String,
        show: (WorkerProcess.Line, Start?) -> Void, until done: (ClusterBook) -> Bool
    ) throws {
        let deadline = ContinuousClock.now + timeout
        while !done(self) {
            let line: WorkerProcess.Line
            do {
                line = try lines.get(timeout: max(.zero, ContinuousClock.now.duration(to: deadline)))
            } catch QueueError.empty {
                let tail =
                    recent.isEmpty ? "" : "; the workers' last lines: " + recent.joined(separator: " / ")
                throw ClusterScenario.Failure("waited \(LabClock.format(timeout)) for \(what) in vain\(tail)")
            }
            show(line, record(line))
        }
    }

    /// Books one line; returns the start it announces, if it does.
    private mutating func record(_ line: WorkerProcess.Line) -> Start? {
        guard let text = line.text else {
            ended.insert(line.worker)
            return nil
        }
        recent = Array((recent + [text]).suffix(4))
        if let (job, pid) = ClusterTask.announcement(in: text) {
            let start = Start(job: job, pid: pid, time: line.time)
            starts.append(start)
            return start
        }
        if text.contains(" \(LabWorker.servingMarker) ") { serving.insert(line.worker) }
        if text.hasSuffix(" \(LabWorker.drainedMarker)") { drained.insert(line.worker) }
        return nil
    }
}
