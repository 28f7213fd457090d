/// What the pool needs from the future of one job, whatever its output type.
/// Implemented by `SingleCompletion` (`submit`) and `ChunkCompletion` (`map`).
protocol JobCompletion: AnyObject, Sendable {
    /// `Future.cancel()` (which asks the job's ticket).
    func cancel() -> Bool
    /// Decodes the worker's answer and completes the future with it.
    func finish(status: Wire.Status, body: ArraySlice<UInt8>, taskName: String)
    /// Completes the future with `error`.
    func fail(_ error: any Error)
}

/// One message's worth of work: a task (or a chunk of tasks) already encoded as a frame.
struct PoolJob: Sendable {
    var id: UInt64
    var taskName: String
    var frame: [UInt8]
    var completion: any JobCompletion
    /// Whether it may still be cancelled; its future's cancel gate.
    var ticket: JobTicket
}

/// A FIFO of jobs: an array and a head index, compacted when half of it is dead space.
struct JobQueue {
    private var items: [PoolJob] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }
    var first: PoolJob? { isEmpty ? nil : items[head] }

    /// The jobs, first to last.
    var jobs: ArraySlice<PoolJob> { items[head...] }

    mutating func append(_ job: PoolJob) { items.append(job) }

    mutating func popFirst() -> PoolJob? {
        guard head < items.count else { return nil }
        let job = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= items.count {
            items.removeSubrange(0..<head)
            head = 0
        }
        return job
    }

    /// Puts `jobs` back at the front, in their order.
    mutating func prepend(_ jobs: [PoolJob]) {
        guard !jobs.isEmpty else { return }
        items.replaceSubrange(0..<head, with: jobs)
        head = 0
    }

    mutating func removeAll() -> [PoolJob] {
        let all = Array(items[head...])
        items.removeAll()
        head = 0
        return all
    }
}
