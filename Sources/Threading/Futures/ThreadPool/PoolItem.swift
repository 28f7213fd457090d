/// What a pool asks of a queued future.
@usableFromInline
enum PoolCommand: Sendable {
    /// Run its work (on the calling worker thread).
    case run
    /// Cancel it without running (`shutdown(cancelFutures: true)`).
    case cancel
    /// Fail it without running (a broken pool).
    case fail(ExecutorError)
}

/// One entry of a pool's queue: a submitted future, or a Swift task's job.
///
/// A future travels with a non-capturing function that the submitting code specialised
/// for its value type, so the worker runs the work without generic dispatch; the entry
/// is three words and queuing it allocates nothing beyond the work closure and the future.
@usableFromInline
struct PoolItem: PoolQueueItem, Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case future(any AnyObject & Sendable, @Sendable (any AnyObject & Sendable, PoolCommand) -> Void)
        case job(UnownedJob, UnownedTaskExecutor)
    }

    @usableFromInline let kind: Kind

    @inlinable
    init(
        future: Future<some Sendable>,
        control: @escaping @Sendable (any AnyObject & Sendable, PoolCommand) -> Void
    ) {
        kind = .future(future, control)
    }

    init(job: UnownedJob, executor: UnownedTaskExecutor) {
        kind = .job(job, executor)
    }

    /// The submitted future's identity (`nil` for a job): how a submission finds its own
    /// item again after handing the item itself to the inbox.
    @inlinable
    var futureIdentity: ObjectIdentifier? {
        guard case .future(let future, _) = kind else { return nil }
        return ObjectIdentifier(future)
    }

    /// Whether this is the submitted future `identity` (jobs never match).
    func isFuture(_ identity: ObjectIdentifier?) -> Bool {
        guard let identity, case .future(let future, _) = kind else { return false }
        return ObjectIdentifier(future) == identity
    }

    /// A job must run (its task would hang otherwise); a future may be cancelled or failed.
    var isCancellable: Bool {
        if case .job = kind { return false }
        return true
    }

    func run() {
        switch kind {
        case .future(let future, let control): control(future, .run)
        case .job(let job, let executor): job.runSynchronously(on: executor)
        }
    }

    func cancel() {
        if case .future(let future, let control) = kind { control(future, .cancel) }
    }

    func fail(_ error: ExecutorError) {
        if case .future(let future, let control) = kind { control(future, .fail(error)) }
    }

    /// Runs it somewhere else when no worker is left: a job goes to Swift's global
    /// executor; a future fails with `error`.
    func runElsewhere(failing error: ExecutorError) {
        switch kind {
        case .future(let future, let control): control(future, .fail(error))
        case .job(let job, _): globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }
}
