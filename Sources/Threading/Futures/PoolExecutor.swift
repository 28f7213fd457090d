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
    ///
    /// Inlinable, so that on a concrete executor it is specialised for the element and
    /// result types, as `submit` and `result()` are: as a generic call it ran at a fifth of
    /// their speed on W1's tiny tasks.
    @available(
        *, noasync,
        message:
            "blocks the thread until every result is in; in async code use `await map(_:_:)`, which does not block a thread"
    )
    @inlinable
    public func map<S: Sequence, T: Sendable>(
        _ items: S, timeout: Duration? = nil,
        _ transform: @escaping @Sendable (S.Element) throws -> T
    ) throws -> [T] where S.Element: Sendable {
        if let timeout { try checkTimeout(timeout) }
        let deadline = Deadline.after(timeout)
        let futures = try submitAll(items, transform)
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

    /// Runs `transform` on every item concurrently and returns the results in input order,
    /// suspending the task (holding no thread) while it waits for them: the async twin of
    /// `map(_:timeout:_:)`.
    ///
    /// Submits every item at once, then awaits the results in order. Ends when all are in,
    /// or with the first error in input order. When the calling task is cancelled it
    /// throws `CancellationError`. On an error or a cancellation, every item whose result
    /// was not returned is cancelled (those already running finish, their results
    /// dropped). Also throws what `submit` throws (after cancelling what was submitted).
    /// For a time limit, cancel the task (for example from a task group racing a
    /// `Task.sleep`).
    @inlinable
    public func map<S: Sequence, T: Sendable>(
        _ items: S, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) async throws -> [T] where S.Element: Sendable {
        let futures = try submitAll(items, transform)
        var results: [T] = []
        results.reserveCapacity(futures.count)
        for (index, future) in futures.enumerated() {
            do {
                results.append(try await future.value)
            } catch {
                for rest in futures[index...] { rest.cancel() }
                throw error
            }
        }
        return results
    }

    /// Submits `transform` of every item; on a refusal, cancels what was submitted and
    /// rethrows.
    @inlinable
    func submitAll<S: Sequence, T: Sendable>(
        _ items: S, _ transform: @escaping @Sendable (S.Element) throws -> T
    ) throws -> [Future<T>] where S.Element: Sendable {
        var futures: [Future<T>] = []
        futures.reserveCapacity(items.underestimatedCount)
        do {
            for item in items { futures.append(try submit { try transform(item) }) }
        } catch {
            for future in futures { future.cancel() }
            throw error
        }
        return futures
    }
}
