/// Something that runs submitted work and hands back futures, Python's
/// `concurrent.futures.Executor` (named `PoolExecutor` so it does not clash with Swift's
/// `Executor`).
///
/// `ThreadPoolExecutor` conforms. The process pool of module `Multiprocessing` runs typed
/// `ProcessTask`s, not closures, so it conforms to `ProcessTaskExecutor` instead.
public protocol PoolExecutor: AnyObject, Sendable {
    /// Schedules `work` and returns the future of its outcome; never blocks. Throws
    /// `ExecutorError.shutDown` after `shutdown`, and `ExecutorError.broken` when the
    /// executor can no longer run work.
    func submit<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> Future<T>

    /// Refuses further submissions and lets the workers go once the queue is done.
    ///
    /// - `wait`: block until every submitted work item that was not cancelled has finished
    ///   and the workers have exited; otherwise return at once (the work still runs).
    /// - `cancelFutures`: cancel every queued item not yet running (their futures throw
    ///   `CancellationError`); running items finish.
    ///
    /// Calling it again, or from another thread meanwhile, is harmless.
    func shutdown(wait: Bool, cancelFutures: Bool)
}

extension PoolExecutor {
    /// `shutdown(wait: true, cancelFutures: false)`: returns once all submitted work is done.
    @available(
        *, noasync,
        message:
            "blocks the thread until all submitted work is done; in async code call `shutdown(wait: false)` and await the futures"
    )
    public func shutdown() {
        shutdown(wait: true, cancelFutures: false)
    }

    /// Runs `transform` on every item concurrently and returns the results in input order,
    /// Python's `Executor.map` gathered into an array.
    ///
    /// Submits every item at once, then blocks for the results in order. Ends when all are
    /// in; or with the first error in *input* order (the transform's own error, rethrown);
    /// or with `TimeoutError` when `timeout`, measured from this call, runs out first. On
    /// an error or a timeout, every item whose result was not returned is cancelled (those
    /// already running finish, their results dropped). Throws `.invalidArgument` for a
    /// negative timeout, and what `submit` throws (after cancelling what was submitted).
    @available(
        *, noasync,
        message:
            "blocks the thread until every result is in; in async code submit, then `await` each future's `value`"
    )
    public func map<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration? = nil,
        _ transform: @escaping @Sendable (S.Element) throws -> T
    ) throws -> [T] where S.Element: Sendable {
        if let timeout { try checkTimeout(timeout) }
        let deadline = Deadline.after(timeout)
        var futures: [Future<T>] = []
        futures.reserveCapacity(items.underestimatedCount)
        do {
            for item in items { futures.append(try submit { try transform(item) }) }
        } catch {
            for future in futures { future.cancel() }
            throw error
        }
        var results: [T] = []
        results.reserveCapacity(futures.count)
        for (index, future) in futures.enumerated() {
            do {
                results.append(try future.result(until: deadline))
            } catch {
                for rest in futures[index...] { rest.cancel() }
                throw error
            }
        }
        return results
    }
}
