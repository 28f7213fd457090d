import Multiprocessing
import Synchronization
import Threading

/// Runs `ProcessTask`s on worker processes of any number of machines, through a
/// PostgreSQL database they all reach: a job is a row, claimed by one worker at a time,
/// held under a lease the worker renews, rescued when the lease runs out, retried with
/// backoff, answered through the row.
///
/// Calling code written against `some ProcessTaskExecutor` runs unchanged here or on a
/// local `ProcessPoolExecutor`; futures fail alike:
///
/// | the job | its future |
/// |---|---|
/// | `run()` returned | the output |
/// | `run()` threw on its last attempt | `ProcessPoolError.remote` |
/// | its worker vanished (lease ran out) on its last attempt | `ProcessPoolError.workerDied` (the worker's pid, "on HOST: lease expired") |
/// | a worker does not know its type | `ProcessPoolError.unknownTask` (no retries) |
/// | cancelled before a worker claimed it | `CancellationError` |
/// | over `JobOptions.timeout` on its last attempt | `TimeoutError` |
/// | the database unreachable for 60 s | `PostgresExecutorError.database` |
///
/// A job runs at least once and, unless its worker vanishes mid-run, exactly once: a
/// worker's answer is written only while the row is still its running attempt, so a
/// rescued job's late answer changes nothing. Between a task's end and the commit of its
/// answer (well under a millisecond), a worker that dies makes the job run again; it is
/// never reported twice.
///
/// Futures are completed by one watcher thread per executor: it LISTENs for ended jobs
/// (workers notify once per batch), reads their rows and finishes the futures; every 30 s
/// it also reads every pending job again, and every 1 s when LISTEN is unavailable. Done
/// callbacks run on that thread.
///
/// Happens-before: `submit` returning → the job's row is committed (it survives a crash of
/// this process); the task's `run()` in the worker → `result()` returning its output.
public final class PostgresExecutor: ProcessTaskExecutor {
    let client: JobsClient
    private let registered: Set<String>
    private let shutDown = Atomic(false)

    /// Connects and creates or upgrades the schema (idempotent; many processes may do it
    /// at once: the first takes an advisory lock, the others wait for it). Blocks on the
    /// connection and the schema statement.
    ///
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database`, or
    ///     `postgres://user@/database?host=/path/to/socket/dir` for a Unix socket.
    ///   - queue: the queue this executor's jobs go to; workers name the queues they serve.
    ///   - tasks: the task types this executor may submit.
    /// - Throws: `PostgresExecutorError.invalidURL`, and `.database` when the server cannot
    ///   be reached or refuses the login (at once: no retries here).
    public convenience init(url: String, queue: String = "default", tasks: [any ProcessTask.Type]) throws {
        try self.init(url: url, queue: queue, tasks: tasks, settings: ClientSettings())
    }

    /// As the public `init`, with the tunables the tests shorten.
    package init(
        url: String, queue: String = "default", tasks: [any ProcessTask.Type], settings: ClientSettings
    ) throws {
        let parsed = try PostgresURL(url)
        client = try JobsClient(url: parsed, queue: queue, settings: settings)
        registered = Set(tasks.map { $0.taskName })
        try client.start()
    }

    deinit {
        client.stop(wait: false)
    }

    /// Commits one job and returns its future; returns once the row is committed.
    @available(*, noasync, message: "blocks the thread on the database")
    public func submit<T: ProcessTask>(_ task: T) throws -> Future<T.Output> {
        try submit(task, options: JobOptions())
    }

    /// Commits one job with `options` and returns its future; returns once the row is
    /// committed (blocks on the database). With a `uniqueKey` that a queued or running job
    /// of this queue holds, returns that job's future instead.
    ///
    /// - Throws: `ProcessPoolError.unknownTask` when `T` is not in `tasks:`,
    ///   `ThreadingError.invalidArgument` for out-of-range options, `ExecutorError.shutDown`
    ///   after `shutdown`, `PostgresExecutorError.database`, and the `EncodingError` of a
    ///   task that cannot be encoded.
    @available(*, noasync, message: "blocks the thread on the database")
    public func submit<T: ProcessTask>(_ task: T, options: JobOptions) throws -> Future<T.Output> {
        let ticket = client.registrationTicket
        let id = try enqueueChunks(CollectionOfOne([task]), options: options)[0]
        return register(id, T.self, expected: 1, own: true, ticket: ticket) { $0[0] }
    }

    /// Runs `tasks` as jobs of `chunkSize` tasks each (a chunk is one job: a retry reruns
    /// the chunk) and returns their outputs in input order. Inserts the jobs in batches of
    /// 1,000 rows, then blocks on their futures until all are done or `timeout` passes.
    ///
    /// - Throws: the first error in input order; `TimeoutError` when `timeout` passes
    ///   first; on either, the jobs no worker has claimed are cancelled. Also what `submit`
    ///   throws, and `ThreadingError.invalidArgument` for a negative `timeout` or a
    ///   `chunkSize` below 1.
    @available(*, noasync, message: "blocks the thread until every task is done")
    public func map<T: ProcessTask>(_ tasks: [T], timeout: Duration? = nil, chunkSize: Int = 1) throws -> [T
        .Output]
    {
        let (chunks, deadline) = try mapChunks(tasks, timeout: timeout, chunkSize: chunkSize)
        var futures: [Future<[T.Output]>] = []
        futures.reserveCapacity(chunks.count)
        var ids: [Int64] = []
        do {
            let batch = client.settings.insertBatch
            var first = 0
            while first < chunks.count {
                let part = chunks[first..<min(first + batch, chunks.count)]
                let ticket = client.registrationTicket
                let partIDs = try enqueueChunks(part.map { Array($0) }, options: JobOptions())
                for (id, chunk) in zip(partIDs, part) {
                    futures.append(
                        register(id, T.self, expected: chunk.count, own: true, ticket: ticket) { $0 })
                }
                ids += partIDs
                first += part.count
            }
            var outputs: [T.Output] = []
            outputs.reserveCapacity(tasks.count)
            for future in futures {
                outputs.append(contentsOf: try future.result(until: deadline))
            }
            return outputs
        } catch {
            cancelUnclaimed(ids, futures)
            throw error
        }
    }

    /// Commits one job and returns its id, for a process that waits for it later
    /// (`future(for:of:)`). Blocks on the database. Throws as `submit`.
    @available(*, noasync, message: "blocks the thread on the database")
    public func enqueue<T: ProcessTask>(_ task: T, options: JobOptions = .init()) throws -> JobID {
        JobID(rawValue: try enqueueChunks(CollectionOfOne([task]), options: options)[0])
    }

    /// Commits one job per task, in statements of 1,000 rows, and returns their ids in
    /// order: the batched form of `enqueue`. Blocks on the database. Throws as `submit`
    /// (a `uniqueKey` in `options` is refused with `ThreadingError.invalidArgument`: one key
    /// cannot name many jobs).
    @available(*, noasync, message: "blocks the thread on the database")
    public func enqueue<T: ProcessTask>(contentsOf tasks: [T], options: JobOptions = .init()) throws
        -> [JobID]
    {
        guard options.uniqueKey == nil || tasks.count <= 1 else {
            throw ThreadingError.invalidArgument("a uniqueKey names one job, not \(tasks.count)")
        }
        var ids: [JobID] = []
        ids.reserveCapacity(tasks.count)
        var first = 0
        while first < tasks.count {
            let part = tasks[first..<min(first + client.settings.insertBatch, tasks.count)]
            ids += try enqueueChunks(part.map { [$0] }, options: options).map(JobID.init(rawValue:))
            first += part.count
        }
        return ids
    }

    /// The future of a job that any process enqueued or submitted. Blocks on the database
    /// once, to check that the job exists.
    ///
    /// The future fails with `PostgresExecutorError.unknownJob` when there is no such row
    /// (or it was pruned), `ThreadingError.invalidArgument` when the job is of another task
    /// type, and otherwise as `submit`'s. Cancelling it cancels the job.
    @available(*, noasync, message: "blocks the thread on the database")
    public func future<T: ProcessTask>(for id: JobID, of type: T.Type) -> Future<T.Output> {
        let ticket = client.registrationTicket
        let name: String?
        do {
            name = try client.taskName(of: id.rawValue)
        } catch {
            let future = Future<T.Output>()
            try? future.setError(error)
            return future
        }
        guard let name, name == T.taskName else {
            let future = Future<T.Output>()
            if let name {
                try? future.setError(
                    ThreadingError.invalidArgument("\(id) runs \(name), not \(T.taskName)"))
            } else {
                try? future.setError(PostgresExecutorError.unknownJob(id))
            }
            return future
        }
        return register(id.rawValue, T.self, expected: 1, own: false, ticket: ticket) { $0[0] }
    }

    /// Stops accepting jobs (`submit`, `map` and `enqueue` throw `ExecutorError.shutDown`).
    /// The executor goes on finishing the futures it handed out.
    ///
    /// - Parameters:
    ///   - wait: block until every job this executor submitted has ended (its future is
    ///     done), woken as the watcher finishes them. Jobs from `enqueue` are not waited for.
    ///   - cancelFutures: cancel, in one statement, every job this executor submitted that
    ///     no worker has claimed.
    public func shutdown(wait: Bool = true, cancelFutures: Bool = false) {
        shutDown.store(true, ordering: .releasing)
        if cancelFutures { client.cancelOwn() }
        client.stop(wait: wait)
    }

    // MARK: Internals

    private func enqueueChunks<T: ProcessTask, C: Collection<[T]>>(
        _ chunks: C, options: JobOptions
    ) throws -> [Int64] {
        guard !shutDown.load(ordering: .acquiring) else { throw ExecutorError.shutDown }
        let name = T.taskName
        guard registered.contains(name) else { throw ProcessPoolError.unknownTask(name) }
        try options.validate()
        var argsList: [(args: [UInt8], count: Int)] = []
        argsList.reserveCapacity(chunks.count)
        for chunk in chunks {
            argsList.append((try BinaryEncoder.encode(chunk), chunk.count))
        }
        return try client.insert(task: name, argsList: argsList, options: options)
    }

    private func register<T: ProcessTask, Value: Sendable>(
        _ id: Int64, _ type: T.Type, expected: Int, own: Bool, ticket: AnswerBook.Ticket,
        wrap: @escaping @Sendable ([T.Output]) -> Value
    ) -> Future<Value> {
        let answer = JobAnswer<T.Output, Value>(
            gate: JobCancelGate(id: id, client: client), expected: expected, wrap: wrap)
        client.register(id, answer, own: own, ticket: ticket)
        return answer.future
    }

    /// After `map` failed: cancels its unclaimed jobs in one statement, then their futures.
    private func cancelUnclaimed<Value>(_ ids: [Int64], _ futures: [Future<Value>]) {
        let cancelled = client.cancelInDatabase(ids)
        for (id, future) in zip(ids, futures) where cancelled.contains(id) {
            client.markCancelled(id)
            _ = future.cancel()
        }
    }
}
