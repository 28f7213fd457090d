import NIOCore

/// A worker's book: the jobs it holds, its free threads, the answers not yet written,
/// and whether it is draining. A plain value decided under one lock, tested without
/// threads or a server.
///
/// A job *occupies* a thread from its claim until its `run()` returns, even when the
/// worker has stopped waiting for it (its attempt timed out, or its lease was lost): the
/// thread cannot be taken back, so the worker claims no more than its free threads.
struct WorkerBook {
    struct Held {
        var attempt: Int32
        /// When the attempt times out (`JobOptions.timeout`), if it can.
        var deadline: ContinuousClock.Instant?
        /// The worker no longer answers for it (timed out, or its lease was lost).
        var abandoned = false
    }

    let concurrency: Int
    private(set) var held: [Int64: Held] = [:]
    private(set) var completions: [JobSQL.Completion] = []
    private(set) var draining = false
    /// Set when a claim filled every free thread, or when a notification or a poll says
    /// there may be jobs: the claim loop claims again once a thread is free.
    private(set) var mayHaveJobs = true
    /// The first error of a helper thread, which ends `run()`.
    private(set) var failure: PostgresExecutorError?

    init(concurrency: Int) { self.concurrency = concurrency }

    var freeThreads: Int { concurrency - held.count }

    /// What the claim loop should do now.
    enum Next: Equatable {
        case claim(limit: Int)
        case wait
        /// Draining and every job has ended: `run()` returns.
        case finish
        case fail(PostgresExecutorError)
    }

    func next() -> Next {
        if let failure { return .fail(failure) }
        if draining { return held.isEmpty && completions.isEmpty ? .finish : .wait }
        if mayHaveJobs && freeThreads > 0 { return .claim(limit: freeThreads) }
        return .wait
    }

    /// Jobs the claim returned; `full`: the claim got as many as it asked for.
    mutating func claimed(_ jobs: [(id: Int64, held: Held)], full: Bool) {
        for job in jobs { held[job.id] = job.held }
        mayHaveJobs = full
    }

    /// A notification named one of this worker's queues, or the poll interval passed.
    mutating func jobsMayBeWaiting() { mayHaveJobs = true }

    /// `run()` of job `id` returned: its thread is free, and its answer is kept for writing
    /// unless the worker stopped answering for it.
    mutating func ran(_ id: Int64, outcome: JobOutcome, answer: ByteBuffer, backoff: Duration) {
        guard let job = held.removeValue(forKey: id) else { return }
        if !job.abandoned {
            completions.append(
                JobSQL.Completion(
                    id: id, attempt: job.attempt, outcome: outcome, answer: answer, backoff: backoff))
        }
    }

    /// Attempts past their deadline at `now` end as timed out; returns whether any did.
    mutating func expire(now: ContinuousClock.Instant, backoff: (Int32) -> Duration) -> Bool {
        var any = false
        for (id, job) in held where !job.abandoned {
            guard let deadline = job.deadline, deadline <= now else { continue }
            held[id]?.abandoned = true
            completions.append(
                JobSQL.Completion(
                    id: id, attempt: job.attempt, outcome: .timedOut, answer: ByteBuffer(),
                    backoff: backoff(job.attempt)))
            any = true
        }
        return any
    }

    /// The earliest attempt deadline still ahead.
    var nextDeadline: ContinuousClock.Instant? {
        held.values.filter { !$0.abandoned }.compactMap(\.deadline).min()
    }

    /// The jobs whose leases the worker renews.
    var answeringIDs: [Int64] { held.filter { !$0.value.abandoned }.map(\.key) }

    /// The renewal found these of `asked` no longer this worker's (rescued, cancelled).
    mutating func lost(asked: [Int64], kept: Set<Int64>) {
        for id in asked where !kept.contains(id) { held[id]?.abandoned = true }
    }

    /// Takes the answers to write.
    mutating func takeCompletions() -> [JobSQL.Completion] {
        defer { completions = [] }
        return completions
    }

    /// Writing `batch` failed for good: the worker stops (the jobs will be rescued).
    mutating func fail(_ error: PostgresExecutorError) {
        if failure == nil { failure = error }
    }

    /// `stop()`, SIGTERM or SIGINT: no more claims; finish what is held.
    mutating func drain() { draining = true }
}
