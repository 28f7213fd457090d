import Glibc
import Multiprocessing
import NIOCore
import PostgresNIO
import Synchronization
import Threading

/// Claims jobs from PostgreSQL and runs them: the other half of `PostgresExecutor`. Run it
/// in your own program, which knows the task types, on as many machines as you like.
///
/// `run()` claims at most as many jobs as it has free threads (`concurrency`), in one
/// statement (`FOR UPDATE SKIP LOCKED`), and runs each on a thread of its own pool:
/// threads, not processes, so a task that crashes takes the worker with it; its jobs are
/// then rescued when their leases run out and rerun elsewhere.
///
/// While it holds jobs it renews their leases every `lease / 3` in one statement. One
/// worker at a time (an advisory lock decides) rescues the running jobs of others whose
/// leases ran out, waking when the first lease ends; such a job is available again at
/// once, or fails with `.workerDied` on its last attempt. A thrown error, or an attempt
/// over its timeout, retries after `RetryBackoff`. Answers are written in batches, one
/// statement and one notification per batch. A worker that cannot reach the database
/// claims nothing; once it has been unreachable for 60 s, `run()` throws `.database`.
public final class PostgresWorker: Sendable {
    let queues: [String]
    let concurrency: Int
    let lease: Duration
    let settings: WorkerSettings
    let identity = WorkerIdentity.current()
    private let handlers: [String: TaskHandler]
    private let claims: DatabaseLink
    private let answers: DatabaseLink
    private let keeper: DatabaseLink
    private let book: LockedState<WorkerBook>
    /// Wakes the claim loop (`run()`'s thread), the answer writer and the lease keeper.
    private let claimBell = ThreadParker()
    private let answerBell = ThreadParker()
    private let keeperBell = ThreadParker()
    private let running = Atomic(false)

    /// Connects and creates or upgrades the schema, as `PostgresExecutor.init` does.
    ///
    /// - Parameters:
    ///   - queues: the queues to take jobs from.
    ///   - tasks: the task types this worker runs; a job of any other type fails at once
    ///     with `ProcessPoolError.unknownTask`.
    ///   - concurrency: threads running jobs; default: the number of cores.
    ///   - lease: how long a claimed job stays this worker's without a renewal; a killed
    ///     worker's jobs run again about one lease later.
    /// - Throws: `ThreadingError.invalidArgument` for an empty `queues`, a `concurrency`
    ///   below 1 or a `lease` under 100 ms; `PostgresExecutorError.invalidURL` and
    ///   `.database` as `PostgresExecutor.init`.
    public convenience init(
        url: String, queues: [String] = ["default"], tasks: [any ProcessTask.Type], concurrency: Int? = nil,
        lease: Duration = .seconds(10)
    ) throws {
        try self.init(
            url: url, queues: queues, tasks: tasks, concurrency: concurrency, lease: lease,
            settings: WorkerSettings())
    }

    /// As the public `init`, with the tunables the tests shorten.
    package init(
        url: String, queues: [String] = ["default"], tasks: [any ProcessTask.Type], concurrency: Int? = nil,
        lease: Duration = .seconds(10), settings: WorkerSettings
    ) throws {
        let threads = concurrency ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        guard threads >= 1 else {
            throw ThreadingError.invalidArgument("concurrency must be at least 1, not \(threads)")
        }
        guard !queues.isEmpty else {
            throw ThreadingError.invalidArgument("queues must name at least one queue")
        }
        guard lease >= .milliseconds(100) else {
            throw ThreadingError.invalidArgument("lease must be at least 100 ms, not \(lease)")
        }
        let parsed = try PostgresURL(url)
        self.queues = queues
        self.concurrency = threads
        self.lease = lease
        self.settings = settings
        var table: [String: TaskHandler] = [:]
        for task in tasks { table[task.taskName] = TaskHandler(task) }
        handlers = table
        claims = DatabaseLink(url: parsed, unreachableLimit: settings.unreachableLimit)
        answers = DatabaseLink(url: parsed, unreachableLimit: settings.unreachableLimit)
        keeper = DatabaseLink(url: parsed, unreachableLimit: settings.unreachableLimit)
        book = LockedState(WorkerBook(concurrency: threads))
        try claims.connectOnce()
        try claims.run(Schema.migration)
    }

    /// Claims and runs jobs until `stop()`, SIGTERM or SIGINT; then stops claiming, lets
    /// the jobs it holds finish, writes their answers, and returns. Blocks the calling
    /// thread throughout: on the database, and on its wake-up (a notification of new jobs,
    /// a free thread, the next scheduled job, an attempt's timeout).
    ///
    /// The drain lasts as long as the longest running job: a thread cannot be stopped from
    /// outside. A SIGKILL during the drain loses no job: about one lease later each is
    /// rescued as after any crash (it runs again, or fails with `.workerDied` on its last
    /// attempt).
    ///
    /// - Throws: `PostgresExecutorError.database` when the database has been unreachable
    ///   for 60 s or answers with an SQL error; `ThreadingError.invalidArgument` when this
    ///   worker is running already.
    @available(*, noasync, message: "blocks the thread until the worker stops")
    public func run() throws {
        guard
            running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
                .exchanged
        else { throw ThreadingError.invalidArgument("this PostgresWorker is running already") }
        defer { running.store(false, ordering: .releasing) }
        if settings.handlesSignals { StopSignals.shared.register(self) }
        defer { if settings.handlesSignals { StopSignals.shared.unregister(self) } }
        let pool = try ThreadPoolExecutor(maxWorkers: concurrency, threadNamePrefix: "postgres-worker")
        let writer = OSThread(name: "postgres-worker-answers", daemon: true) { [self] in answerLoop() }
        let leases = OSThread(name: "postgres-worker-leases", daemon: true) { [self] in keeperLoop() }
        try writer.start()
        try leases.start()
        let outcome = Result { () throws(PostgresExecutorError) in try claimLoop(pool) }
        // Drained (or failed): the helpers end, the pool's threads with them.
        book.withLock { $0.drain() }
        answerBell.unpark()
        keeperBell.unpark()
        try? writer.join()
        try? leases.join()
        pool.shutdown(wait: (try? outcome.get()) != nil)
        if (try? outcome.get()) != nil {
            // Rows claimed by a statement whose answer was lost go back at once.
            _ = try? claims.run(JobSQL.handBack(keeping: [], worker: identity))
        }
        claims.close()
        answers.close()
        keeper.close()
        try outcome.get()
    }

    /// Makes `run()` drain and return: no new claims; the jobs held finish. Never blocks.
    public func stop() {
        book.withLock { $0.drain() }
        claimBell.unpark()
    }

    // MARK: Claiming

    private func claimLoop(_ pool: ThreadPoolExecutor) throws(PostgresExecutorError) {
        var listenedGeneration = -1
        var nextPoll = ContinuousClock.now + pollInterval
        while true {
            claimBell.rearm()
            if settings.listen, let generation = try? claims.current().generation,
                generation != listenedGeneration
            {
                listenedGeneration = try listen()
                book.withLock { $0.jobsMayBeWaiting() }
            }
            let now = ContinuousClock.now
            let expired = book.withLock { book in
                book.expire(now: now) { RetryBackoff.delay(afterAttempt: Int($0)) }
            }
            if expired { answerBell.unpark() }
            if now >= nextPoll {
                book.withLock { $0.jobsMayBeWaiting() }
                nextPoll = now + pollInterval
            }
            switch book.withLock({ $0.next() }) {
            case .fail(let error): throw error
            case .finish: return
            case .claim(let limit):
                let scheduled = try claim(limit: limit, pool: pool)
                if let scheduled { nextPoll = min(nextPoll, scheduled) }
            case .wait:
                var wake = nextPoll
                if let deadline = book.withLock({ $0.nextDeadline }) { wake = min(wake, deadline) }
                _ = claimBell.park(until: .after(ContinuousClock.now.duration(to: wake)))
            }
        }
    }

    private var pollInterval: Duration { settings.listen ? settings.sweepInterval : settings.pollInterval }

    /// Claims up to `limit` jobs and starts them; when it got fewer, returns when the next
    /// scheduled job of these queues becomes claimable (if one is scheduled).
    private func claim(limit: Int, pool: ThreadPoolExecutor) throws(PostgresExecutorError) -> ContinuousClock
        .Instant?
    {
        let (ticket, generation) = (book.withLock { $0.wakeups }, try? claims.current().generation)
        let rows = try claims.run(JobSQL.claim(queues: queues, limit: limit, lease: lease, worker: identity))
        var jobs:
            [(id: Int64, task: String, args: ByteBuffer, attempt: Int32, timeout: Int64?, priority: Int32)] =
                []
        var unreadable: [Int64] = []
        for row in rows.rows {
            if let job = try? row.decode((Int64, String, ByteBuffer, Int32, Int64?, Int32).self) {
                jobs.append(job)
            } else if let id = try? row.makeRandomAccess()[0].decode(Int64.self) {
                unreadable.append(id)
            }
        }
        // Equal priorities in enqueue order (the update returns rows in no set order).
        jobs.sort { ($0.priority, -$0.id) > ($1.priority, -$1.id) }
        book.withLock { book in
            book.claimed(
                jobs.map { job in
                    (
                        job.id,
                        WorkerBook.Held(attempt: job.attempt, timeout: job.timeout.map { .milliseconds($0) })
                    )
                }, full: rows.rows.count >= limit, since: ticket)
        }
        if generation != (try? claims.current().generation) {
            // The claim was sent again on a new connection: rows the first one claimed (its
            // answer was lost) go back at once instead of waiting for their leases.
            try claims.run(JobSQL.handBack(keeping: book.withLock { Array($0.held.keys) }, worker: identity))
        }
        for id in unreadable {
            // Its columns do not decode: it can never run; it will be rescued and fail.
            book.withLock { $0.lost(asked: [id], kept: []) }
        }
        for job in jobs { start(job.id, task: job.task, args: job.args, attempt: job.attempt, pool: pool) }
        guard rows.rows.count < limit else { return nil }
        guard let row = try claims.run(JobSQL.nextScheduled(queues: queues)).rows.first,
            let seconds = try? row.decode(Double.self)
        else { return nil }
        return ContinuousClock.now + .milliseconds(Int64(max(seconds, 0) * 1000) + 1)
    }

    /// Runs one job on the pool; its end goes to the book and wakes the answer writer.
    private func start(_ id: Int64, task: String, args: ByteBuffer, attempt: Int32, pool: ThreadPoolExecutor)
    {
        guard let handler = handlers[task] else {
            finished(id, outcome: .unknownTask, answer: ByteBuffer(), attempt: attempt, runTime: .zero)
            return
        }
        let body = Array(args.readableBytesView)
        do {
            _ = try pool.submit { [self] in
                let start = ContinuousClock.now
                if book.withLock({ $0.started(id, at: start) }) { claimBell.unpark() }
                var out: [UInt8] = []
                handler.run(body[...], &out)
                let status = out.first.flatMap { Wire.Status(rawValue: $0) } ?? .remote
                let outcome = JobOutcome(rawValue: Int16(status.rawValue)) ?? .remote
                finished(
                    id, outcome: outcome, answer: ByteBuffer(bytes: out.dropFirst()), attempt: attempt,
                    runTime: start.duration(to: .now))
            }
        } catch {
            // The pool is shut down: only while draining after a failure; the lease runs out.
            book.withLock { $0.lost(asked: [id], kept: []) }
        }
    }

    private func finished(
        _ id: Int64, outcome: JobOutcome, answer: ByteBuffer, attempt: Int32, runTime: Duration
    ) {
        let backoff = RetryBackoff.delay(afterAttempt: Int(attempt))
        book.withLock { $0.ran(id, outcome: outcome, answer: answer, backoff: backoff, runTime: runTime) }
        answerBell.unpark()
        claimBell.unpark()
    }

    /// Listens for new jobs on the claim connection; a statement after LISTEN on the same
    /// connection makes sure it is in effect. Returns the connection's generation.
    private func listen() throws(PostgresExecutorError) -> Int {
        let current: (connection: PostgresConnection, generation: Int)
        do {
            current = try claims.current()
        } catch let error as PostgresExecutorError {
            throw error
        } catch {
            return -1
        }
        let queues = Set(self.queues)
        current.connection.addListener(channel: Schema.jobsChannel) { [weak self] _, notification in
            guard let self, queues.contains(notification.payload) else { return }
            self.book.withLock { $0.jobsMayBeWaiting() }
            self.claimBell.unpark()
        }
        try claims.run("SELECT 1")
        return current.generation
    }

    // MARK: Answers

    /// Writes answers as they come, all that are waiting in one statement.
    private func answerLoop() {
        while true {
            answerBell.rearm()
            let (batch, draining) = book.withLock { ($0.takeCompletions(), $0.draining && $0.held.isEmpty) }
            if !batch.isEmpty, !settings.holdsAnswers {
                do {
                    try answers.run(JobSQL.complete(batch, worker: identity))
                } catch {
                    book.withLock { $0.fail(error) }
                    claimBell.unpark()
                    return
                }
                claimBell.unpark()
                continue
            }
            if draining {
                claimBell.unpark()
                return
            }
            answerBell.park()
        }
    }

    // MARK: Leases, rescue, pruning

    /// Renews the held leases every `lease / 3`; rescues expired leases of any worker when
    /// the first one ends (at most a lease apart); prunes ended rows every 10 minutes.
    private func keeperLoop() {
        let renewEvery = lease / 3
        var nextRenew = ContinuousClock.now + renewEvery
        var nextRescue = ContinuousClock.now
        var nextPrune = ContinuousClock.now + .seconds(600)
        while true {
            keeperBell.rearm()
            if book.withLock({ $0.draining && $0.held.isEmpty }) { return }
            do {
                let now = ContinuousClock.now
                if now >= nextRenew {
                    let ids = book.withLock { $0.answeringIDs }
                    if !ids.isEmpty {
                        var kept: Set<Int64> = []
                        for row in try keeper.run(JobSQL.renew(ids: ids, lease: lease, worker: identity)).rows
                        {
                            if let id = try? row.decode(Int64.self) { kept.insert(id) }
                        }
                        book.withLock { $0.lost(asked: ids, kept: kept) }
                    }
                    nextRenew = now + renewEvery
                }
                if now >= nextRescue {
                    try keeper.run(JobSQL.rescue)
                    nextRescue = now + lease
                    if let row = try keeper.run(JobSQL.nextLeaseExpiry).rows.first,
                        let seconds = try? row.decode(Double.self)
                    {
                        // Just after the first lease ends; at least 10 ms apart.
                        nextRescue = min(nextRescue, now + .milliseconds(Int64(max(seconds, 0) * 1000) + 10))
                    }
                }
                if now >= nextPrune {
                    try keeper.run(JobSQL.prune(retention: settings.retention))
                    nextPrune = now + .seconds(600)
                }
            } catch {
                book.withLock { $0.fail(error) }
                claimBell.unpark()
                return
            }
            let wake = min(nextRenew, nextRescue, nextPrune)
            _ = keeperBell.park(until: .after(ContinuousClock.now.duration(to: wake)))
        }
    }
}
