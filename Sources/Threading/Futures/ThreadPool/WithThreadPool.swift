/// Runs `body` with a new `ThreadPoolExecutor` and shuts it down with `wait: true` when
/// `body` returns or throws: Python's `with ThreadPoolExecutor(...) as executor:`.
///
/// Returns what `body` returns, after all the work submitted to the pool has finished;
/// rethrows what `body` throws (after the same wait). Throws `.invalidArgument` when
/// `maxWorkers` is below 1.
@available(
    *, noasync,
    message:
        "blocks the thread until the pool's work is done; in async code make a `ThreadPoolExecutor` and await the futures' `value`"
)
public func withThreadPool<R>(
    maxWorkers: Int? = nil, threadNamePrefix: String? = nil,
    _ body: (ThreadPoolExecutor) throws -> R
) throws -> R {
    let pool = try ThreadPoolExecutor(maxWorkers: maxWorkers, threadNamePrefix: threadNamePrefix)
    defer { pool.shutdown(wait: true) }
    return try body(pool)
}
