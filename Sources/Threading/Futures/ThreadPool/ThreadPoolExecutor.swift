import Glibc
import Synchronization

/// A pool of worker threads that runs submitted closures, Python's
/// `concurrent.futures.ThreadPoolExecutor`.
///
/// `submit` queues a closure and returns its `Future` at once; workers take queued work in
/// FIFO order. Workers are `OSThread`s named `PREFIX_0`, `PREFIX_1`, … (the default prefix
/// is `ThreadPoolExecutor-K`, K counting pools from 0 across the process). They start
/// lazily — a submission starts one only when no worker is idle — are reused while idle,
/// and never number more than `maxWorkers`. An idle worker parks (after a brief spin) and
/// is woken only when work arrives for it.
///
/// `shutdown(wait:cancelFutures:)` refuses later submissions (`ExecutorError.shutDown`),
/// and lets the workers exit once the queue is empty. An `initializer` runs first on every
/// worker; if it throws, the pool is *broken*: queued futures fail with
/// `ExecutorError.broken(message)` and later submissions throw it.
///
/// **At exit**, as in CPython 3.13, the process finishes the queued work of every pool not
/// shut down and joins its workers (an `atexit` hook doing `shutdown(wait: true)`); the
/// workers themselves are daemon threads, so an idle pool never holds the process up. A
/// pool no longer referenced shuts down without waiting.
///
/// The pool is also a Swift `TaskExecutor`: inside `withTaskExecutorPreference(pool) { … }`
/// async code runs on the pool's threads, so blocking calls made there occupy the pool,
/// not Swift's cooperative thread pool. Keep the pool referenced while tasks prefer it;
/// task jobs handed to it after shutdown still run (on a worker still draining the queue,
/// or else on Swift's global executor), because a dropped job would hang its task.
///
/// Happens-before: `submit` → the work's first line; the work's last line → its future's
/// `result()` returning; everything the workers did → `shutdown(wait: true)` returning.
public final class ThreadPoolExecutor: PoolExecutor, TaskExecutor {
    @usableFromInline let core: ThreadPoolCore

    /// The most workers the pool runs at once.
    public let maxWorkers: Int

    private static let poolCounter = Atomic<Int>(0)

    /// A pool of at most `maxWorkers` threads (default `min(32, cores + 4)`), named
    /// `threadNamePrefix_N` (default `ThreadPoolExecutor-K_N`). Throws `.invalidArgument`
    /// when `maxWorkers` is below 1. No thread starts until work is submitted.
    public init(
        maxWorkers: Int? = nil, threadNamePrefix: String? = nil,
        initializer: (@Sendable () throws -> Void)? = nil
    ) throws {
        let workers = maxWorkers ?? min(32, Self.onlineCores + 4)
        guard workers >= 1 else {
            throw ThreadingError.invalidArgument("maxWorkers must be greater than 0, got \(workers)")
        }
        let prefix: String
        if let threadNamePrefix, !threadNamePrefix.isEmpty {
            prefix = threadNamePrefix
        } else {
            prefix = "ThreadPoolExecutor-\(Self.poolCounter.wrappingAdd(1, ordering: .relaxed).oldValue)"
        }
        self.maxWorkers = workers
        core = ThreadPoolCore(maxWorkers: workers, prefix: prefix, initializer: initializer)
    }

    deinit {
        core.shutdown(wait: false, cancelFutures: false)
    }

    /// sysconf(_SC_NPROCESSORS_ONLN); 1 if it fails.
    static var onlineCores: Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// The prefix of the workers' names.
    public var threadNamePrefix: String { core.prefix }

    /// Queues `work` and returns its future at once. Throws `ExecutorError.shutDown` after
    /// `shutdown`, and `ExecutorError.broken` once an initializer has failed.
    @inlinable
    public func submit<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> Future<T> {
        let future = Future<T>(work: work)
        if DiagnosticsHooks.isActive { DiagnosticsHooks.futureSubmitted(future) }
        // Inlined into the caller, this closure is specialised for T and captures nothing.
        try core.submit(
            PoolItem(future: future) { future, command in
                unsafeDowncast(future, to: Future<T>.self).handle(command)
            })
        return future
    }

    /// Refuses later submissions and lets the workers exit when the queue is empty.
    ///
    /// With `cancelFutures`, every queued item not yet running is cancelled first. With
    /// `wait` (the default), blocks until every worker has exited — so all work that was
    /// not cancelled has finished. Safe to call twice and from several threads; called
    /// from one of the pool's own workers, it does not wait for that worker.
    public func shutdown(wait: Bool = true, cancelFutures: Bool = false) {
        core.shutdown(wait: wait, cancelFutures: cancelFutures)
    }

    /// Runs a Swift task's job on a worker (the `TaskExecutor` requirement).
    public func enqueue(_ job: consuming ExecutorJob) {
        core.enqueue(PoolItem(job: UnownedJob(job), executor: asUnownedTaskExecutor()))
    }
}
