/// How an attempt ended, as stored in a job row's `outcome` column. The first four are the
/// process pool's `Wire.Status` values, so an answer decodes the same way on both executors.
enum JobOutcome: Int16, Sendable {
    /// `answer` holds the outputs.
    case ok = 0
    /// `answer` holds the error's type name and message (`ProcessPoolError.remote`).
    case remote = 1
    /// No worker knows the task type (`ProcessPoolError.unknownTask`); never retried.
    case unknownTask = 2
    /// Cancelled before a worker claimed it.
    case cancelled = 3
    /// The lease ran out on the last attempt (`ProcessPoolError.workerDied`).
    case workerDied = 10
    /// The attempt ran longer than its `timeout` (`TimeoutError`).
    case timedOut = 11
}
