/// Executors of typed tasks (`ProcessTask`): the same calling code runs on local worker
/// processes (`ProcessPoolExecutor`) or on any other executor that conforms, such as one
/// whose workers run on other machines.
///
/// ```swift
/// func squares(on executor: some ProcessTaskExecutor) throws -> [Int] {
///     try executor.map((1...10).map { Square(x: $0) })
/// }
/// ```
public protocol ProcessTaskExecutor: Sendable {
    /// Hands `task` to a worker and returns its future at once; the future completes with
    /// the task's output (see the conforming type for how it fails).
    func submit<T: ProcessTask>(_ task: T) throws -> Future<T.Output>
    /// Runs `tasks`, `chunkSize` per message, and returns their outputs in input order.
    /// Blocks on the tasks' futures until all are done (the executor completes them as the
    /// answers arrive) or `timeout` (`nil`: none) has passed; then throws `TimeoutError`
    /// and cancels the tasks no worker has started. A user mistake (`chunkSize` below 1,
    /// a negative `timeout`) throws `ThreadingError.invalidArgument`.
    func map<T: ProcessTask>(_ tasks: [T], timeout: Duration?, chunkSize: Int) throws -> [T.Output]
    /// Stops accepting tasks. `wait`: block until the submitted tasks are done (woken as
    /// the executor finishes them). `cancelFutures`: cancel every task that no worker has
    /// started.
    func shutdown(wait: Bool, cancelFutures: Bool)
}

extension ProcessTaskExecutor {
    /// `map(tasks, timeout: nil, chunkSize: 1)` and friends, through the protocol.
    @available(*, noasync, message: "blocks the thread until every task is done")
    public func map<T: ProcessTask>(_ tasks: [T], timeout: Duration? = nil, chunkSize: Int = 1) throws -> [T
        .Output]
    {
        try map(tasks, timeout: timeout, chunkSize: chunkSize)
    }

    /// `shutdown(wait: true, cancelFutures: false)`: blocks until the submitted tasks are done.
    public func shutdown() {
        shutdown(wait: true, cancelFutures: false)
    }
}

extension ProcessPoolExecutor: ProcessTaskExecutor {}

/// What every `map` of a `ProcessTaskExecutor` does first: checks `chunkSize` and
/// `timeout` (throwing `ThreadingError.invalidArgument`), fixes the deadline, and cuts
/// `tasks` into chunks of `chunkSize`.
package func mapChunks<T>(
    _ tasks: [T], timeout: Duration?, chunkSize: Int, _ function: StaticString = #function
) throws -> (chunks: [ArraySlice<T>], deadline: Deadline) {
    guard chunkSize >= 1 else {
        throw ThreadingError.invalidArgument("chunkSize must be at least 1, not \(chunkSize)")
    }
    if let timeout { try checkTimeout(timeout, function) }
    var chunks: [ArraySlice<T>] = []
    chunks.reserveCapacity((tasks.count + chunkSize - 1) / chunkSize)
    var start = 0
    while start < tasks.count {
        let end = min(start + chunkSize, tasks.count)
        chunks.append(tasks[start..<end])
        start = end
    }
    return (chunks, Deadline.after(timeout))
}
