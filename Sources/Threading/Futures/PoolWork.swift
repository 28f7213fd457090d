/// One unit of work in a pool's queue.
///
/// A submitted closure and its future fit in an existential's inline buffer (three
/// words), so queuing one allocates nothing beyond the closure and the future.
protocol PoolWork: Sendable {
    /// Whether `shutdown(cancelFutures: true)` or a broken pool may drop it.
    var isCancellable: Bool { get }
    /// Runs the work on the calling worker thread.
    func run()
    /// Cancels it without running (only for cancellable work).
    func cancel()
    /// Fails it without running (only for cancellable work).
    func fail(_ error: ExecutorError)
    /// Runs it somewhere else: for work that must run when no worker is left.
    func runElsewhere()
}

/// A queued entry of `ThreadPoolState`.
struct PoolItem: PoolQueueItem, Sendable {
    let work: any PoolWork
    var isCancellable: Bool { work.isCancellable }
}

/// A submitted closure and the future that receives its outcome.
struct FutureWork<Value: Sendable>: PoolWork {
    let future: Future<Value>
    let body: @Sendable () throws -> Value

    var isCancellable: Bool { true }
    func run() { future.run(body) }
    func cancel() { future.cancel() }
    // A future cancelled meanwhile keeps its cancellation.
    func fail(_ error: ExecutorError) { try? future.complete(.failure(error)) }
    func runElsewhere() { fail(.shutDown) }
}

/// A Swift task's job, given to the pool as a `TaskExecutor`.
struct TaskJobWork: PoolWork {
    let job: UnownedJob
    let executor: UnownedTaskExecutor

    var isCancellable: Bool { false }
    func run() { job.runSynchronously(on: executor) }
    func cancel() {}
    func fail(_ error: ExecutorError) {}
    // No worker is left to run it, and dropping a job would hang its task for ever.
    func runElsewhere() { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
}
