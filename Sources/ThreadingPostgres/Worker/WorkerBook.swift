import NIOCore

/// A worker's book: the jobs it holds, its free threads, the answers not yet written,
/// and whether it is draining. A plain value decided under one lock, tested without
/// threads or a server.
///
/// A job is held from its claim until its `run()` returns, even when the worker has
/// stopped waiting for it (its attempt timed out, or its lease was lost): its thread
/// cannot be taken back. The worker holds at most its threads' worth of jobs, plus a
/// buffer while jobs are short: as many as its threads finish in about 5 ms (by the
/// running average of run times), at most 32 per thread. Tiny jobs then cost one claim per
/// batch instead of one per thread's worth; a buffered job of a worker that dies waits for
/// its lease.
struct WorkerBook {
    struct Held {
        var attempt: Int32
        /// `JobOptions.timeout`: the attempt's deadline is set when it starts.
        var timeout: Duration?
        /// When the attempt times out, once it runs.
        var deadline: ContinuousClock.Instant?
        /// The worker no longer answers for it (timed out, or its lease was lost).
        var abandoned = false

        init(attempt: Int32, timeout: Duration?) {
            self.attempt = attempt
            self.timeout = timeout
        }
    }

    /// The buffer aims at this much work per thread.
    static let bufferedWork = Duration.milliseconds(5)
    static let maxBufferPerThread = 32

    let concurrency: Int
    /// The running average of `run()` times (nil before the first).
    private(set) var averageRun: Duration?
    private(set) var held: [Int64: Held] = [:]
    private(set) var completions: [JobSQL.Completion] = []
    private(set) var draining = false
    /// Set when a claim filled every free thread, or when a notification or a poll says
    /// there may be jobs: the claim loop claims again once a thread is free.
    private(set) var mayHaveJobs = true
    /// Counts the notifications and polls, so a claim can tell whether one came while its
    /// statement ran (then its short answer does not mean the queue is empty).
    private(set) var wakeups = 0
    /// The first error of a helper thread, which ends `run()`.
    private(set) var failure: PostgresExecutorError?

    init(concurrency: Int) { self.concurrency = concurrency }

    /// How many jobs the worker holds at most now: its threads, plus the buffer.
    var capacity: Int {
        guard let averageRun, averageRun < WorkerBook.bufferedWork else { return concurrency }
        let perThread =
            averageRun <= .zero ? WorkerBook.maxBufferPerThread : Int(WorkerBook.bufferedWork / averageRun)
        return concurrency * (1 + min(perThread, WorkerBook.maxBufferPerThread))
    }

    /// Jobs it may claim now.
    var room: Int { max(0, capacity - held.count) }

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
        if mayHaveJobs && room > 0 { return .claim(limit: room) }
        return .wait
    }

    /// Jobs the claim returned; `full`: the claim got as many as it asked for; `since`:
    /// `wakeups` read before the claim.
    mutating func claimed(_ jobs: [(id: Int64, held: Held)], full: Bool, since: Int) {
        for job in jobs { held[job.id] = job.held }
        mayHaveJobs = full || wakeups != since
    }

    /// A notification named one of this worker's queues, or the poll interval passed.
    mutating func jobsMayBeWaiting() {
        mayHaveJobs = true
        wakeups += 1
    }

    /// Job `id` starts on a thread at `now`: its timeout counts from here. Returns whether
    /// it has one (then the claim loop must wake to wait for the new deadline too).
    mutating func started(_ id: Int64, at now: ContinuousClock.Instant) -> Bool {
        guard let timeout = held[id]?.timeout else { return false }
        held[id]?.deadline = now + timeout
        return true
    }

    /// `run()` of job `id` returned after `runTime`: its thread is free, and its answer is
    /// kept for writing unless the worker stopped answering for it.
    mutating func ran(
        _ id: Int64, outcome: JobOutcome, answer: ByteBuffer, backoff: Duration, runTime: Duration
    ) {
        guard let job = held.removeValue(forKey: id) else { return }
        averageRun = averageRun.map { ($0 * 7 + runTime) / 8 } ?? runTime
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
