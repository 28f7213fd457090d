import Synchronization

/// A pool of worker *processes* that run `ProcessTask`s: Python's
/// `concurrent.futures.ProcessPoolExecutor`, with crashes contained.
///
/// Workers are started with `posix_spawn` (never `fork`) from `workerExecutable` — by
/// default this program itself, which must call `runWorkerIfRequested(tasks:)` first thing
/// in `main`. Tasks and results travel as length-prefixed binary messages over a Unix
/// socket per worker; many are in flight per worker and several travel per write.
///
/// Two promises hold however many tasks are in flight:
/// - **Nothing finished is lost.** When a worker dies (exits, is killed, crashes), only
///   the task it was running fails, with `ProcessPoolError.workerDied(pid:detail:)`.
///   Every task it had finished delivers its output, and every task it had not started
///   runs on another worker — however long the dying task ran. The pool starts a
///   replacement at once and stays usable (unlike CPython's, which breaks).
/// - **Cancel until started.** `Future.cancel()` returns `true`, and
///   `shutdown(cancelFutures: true)` cancels, every task that no worker has started,
///   even one already sent to a worker: the worker skips it. A task that has started
///   cannot be cancelled (as in CPython).
///
/// Workers never outlive the pool's process: they end on `shutdown`, when the pool's
/// process exits (end-of-file on their channel), and when it is killed
/// (`PR_SET_PDEATHSIG`).
///
/// Happens-before: `submit` → the task's `run()` in the worker (through the message);
/// the end of `run()` → `result()` returning its output.
public final class ProcessPoolExecutor: Sendable {
    /// How many worker processes run at once.
    public let maxWorkers: Int
    let core: ProcessPoolCore
    let registered: Set<String>

    /// Starts `maxWorkers` worker processes (in the background; `init` does not wait for
    /// them, and tasks submitted meanwhile are queued for them).
    ///
    /// - Parameters:
    ///   - maxWorkers: default: the number of cores.
    ///   - tasks: the task types this pool may send.
    ///   - maxTasksPerChild: replace a worker after it ran this many jobs (a `map` chunk
    ///     counts as one); `nil`: never.
    ///   - workerExecutable: the program to start as a worker; default: this program.
    /// - Throws: `ThreadingError.invalidArgument` for `maxWorkers` or `maxTasksPerChild`
    ///   below 1 or a `workerExecutable` that cannot be executed.
    public init(
        maxWorkers: Int? = nil, tasks: [any ProcessTask.Type], maxTasksPerChild: Int? = nil,
        workerExecutable: String? = nil
    ) throws {
        let workers = maxWorkers ?? ProcessSyscalls.processorCount()
        guard workers >= 1 else {
            throw ThreadingError.invalidArgument("maxWorkers must be at least 1, not \(workers)")
        }
        if let limit = maxTasksPerChild, limit < 1 {
            throw ThreadingError.invalidArgument("maxTasksPerChild must be at least 1, not \(limit)")
        }
        guard let executable = workerExecutable ?? ProcessSyscalls.currentExecutable() else {
            throw ThreadingError.invalidArgument("cannot find this program's path for the workers")
        }
        guard ProcessSyscalls.isExecutable(executable) else {
            throw ThreadingError.invalidArgument("workerExecutable \(executable) is not an executable file")
        }
        self.maxWorkers = workers
        registered = Set(tasks.map { $0.taskName })
        do {
            core = try ProcessPoolCore(
                workers: workers, window: ProcessPoolExecutor.window, maxTasksPerChild: maxTasksPerChild,
                executable: executable)
        } catch {
            throw ExecutorError.broken("cannot make the memory shared with the workers: \(error)")
        }
        do {
            try core.start()
        } catch {
            // Threads that did start retire their workers at once.
            core.shutdown(wait: false, cancelFutures: true)
            throw error
        }
    }

    /// Jobs in flight per worker (see `PoolState.window`).
    static let window = 64

    deinit {
        core.shutdown(wait: false, cancelFutures: false)
    }

    /// Sends `task` to a worker; the future completes with its output.
    ///
    /// Never blocks: the task is encoded here and queued when every worker is busy.
    /// The future fails with `ProcessPoolError.remote` when `run()` threw (or the task or
    /// its output could not be decoded or encoded on the other side), `.workerDied` when
    /// its worker died while running it, `.unknownTask` when the worker program does not
    /// know the type, `CancellationError` when cancelled before a worker started it. Its done
    /// callbacks run on the pool's reader thread for that worker: a callback that blocks
    /// holds back that worker's other answers. The future stays pending (`isRunning` is
    /// false) until the answer arrives: whether a worker has started the task is decided in
    /// the worker, and `cancel()` asks it there.
    ///
    /// - Throws: `ProcessPoolError.unknownTask` when `T` is not in `tasks:`,
    ///   `ExecutorError.shutDown` after `shutdown`, `ExecutorError.broken` when no worker
    ///   could be started, and the `EncodingError` of a task that cannot be encoded.
    public func submit<T: ProcessTask>(_ task: T) throws -> Future<T.Output> {
        let ticket = JobTicket()
        let completion = SingleCompletion<T.Output>(ticket: ticket)
        try send(CollectionOfOne(task), completion: completion, ticket: ticket)
        return completion.future
    }

    /// Runs `tasks` on the workers, `chunkSize` per message, and returns their outputs in
    /// input order. Blocks until all are done or `timeout` has passed.
    ///
    /// Blocks on the chunks' futures, which the pool's reader threads complete as the
    /// answers arrive.
    ///
    /// - Throws: the first error in input order (as the futures of `submit` would fail;
    ///   with chunks, a failing task fails its whole chunk); `TimeoutError` when `timeout`
    ///   passes first; on either, the chunks no worker has started are cancelled. Also what `submit`
    ///   throws, and `ThreadingError.invalidArgument` for a negative `timeout` or a
    ///   `chunkSize` below 1.
    @available(*, noasync, message: "blocks the thread until every task is done")
    public func map<T: ProcessTask>(_ tasks: [T], timeout: Duration? = nil, chunkSize: Int = 1) throws -> [T
        .Output]
    {
        let (chunks, deadline) = try mapChunks(tasks, timeout: timeout, chunkSize: chunkSize)
        var futures: [Future<[T.Output]>] = []
        futures.reserveCapacity(chunks.count)
        do {
            for chunk in chunks {
                let ticket = JobTicket()
                let completion = ChunkCompletion<T.Output>(expected: chunk.count, ticket: ticket)
                try send(chunk, completion: completion, ticket: ticket)
                futures.append(completion.future)
            }
            var outputs: [T.Output] = []
            outputs.reserveCapacity(tasks.count)
            for future in futures {
                outputs.append(contentsOf: try future.result(until: deadline))
            }
            return outputs
        } catch {
            for future in futures { _ = future.cancel() }
            throw error
        }
    }

    /// Stops accepting tasks; the workers finish what was submitted and exit.
    ///
    /// - Parameters:
    ///   - wait: block until every worker process has exited and been reaped (joins the
    ///     pool's reader threads, which end once their worker has exited).
    ///   - cancelFutures: cancel every task that no worker has started, including those
    ///     already sent to a worker, which skips them (their futures throw
    ///     `CancellationError`); tasks already started still complete.
    /// Calling it again is harmless. After it, `submit` throws `ExecutorError.shutDown`.
    public func shutdown(wait: Bool = true, cancelFutures: Bool = false) {
        core.shutdown(wait: wait, cancelFutures: cancelFutures)
    }

    /// The process ids of the running workers (a snapshot), for tests and diagnostics.
    package var workerProcessIDs: [Int32] { core.workerPIDs }

    /// The size of the message that carries `tasks`, for benchmarks of the encoding.
    package func encodedSize<T: ProcessTask>(_ tasks: [T]) throws -> Int {
        var frame: [UInt8] = []
        try Wire.jobFrame(id: 0, name: Array(T.taskName.utf8), tasks: tasks, into: &frame)
        return frame.count
    }

    private func send<T: ProcessTask, C: Collection<T>>(
        _ tasks: C, completion: any JobCompletion, ticket: JobTicket
    ) throws {
        let name = T.taskName
        guard registered.contains(name) else { throw ProcessPoolError.unknownTask(name) }
        let id = core.nextJobID.wrappingAdd(1, ordering: .relaxed).oldValue
        var frame: [UInt8] = []
        try Wire.jobFrame(id: id, name: Array(name.utf8), tasks: tasks, into: &frame)
        try core.submit(PoolJob(id: id, taskName: name, frame: frame, completion: completion, ticket: ticket))
    }
}
