/// How a job is queued and retried: the options of `PostgresExecutor.submit` and `enqueue`.
public struct JobOptions: Sendable {
    /// Higher runs first; equal priorities run in enqueue order. Default 0.
    public var priority: Int
    /// The job is not claimed before now + `delay` (a scheduled job). `nil`: at once.
    public var delay: Duration?
    /// Attempts before the job fails for good (≥ 1, default 3). A thrown error, an attempt
    /// over `timeout` and a lost lease each use one.
    public var maxAttempts: Int
    /// While a job of this queue with this key is queued or running, `submit` and `enqueue`
    /// return that job (its future, its id) instead of making a new one.
    public var uniqueKey: String?
    /// An attempt running longer fails with `TimeoutError` (retried while attempts remain).
    /// The worker stops waiting for it; its thread runs on until the task returns.
    public var timeout: Duration?

    public init(
        priority: Int = 0, delay: Duration? = nil, maxAttempts: Int = 3, uniqueKey: String? = nil,
        timeout: Duration? = nil
    ) {
        self.priority = priority
        self.delay = delay
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        self.timeout = timeout
    }

    /// Throws `ThreadingError.invalidArgument` for the out-of-range values API.md names.
    func validate() throws(ThreadingError) {
        guard maxAttempts >= 1 else {
            throw .invalidArgument("maxAttempts must be at least 1, not \(maxAttempts)")
        }
        guard Int32(exactly: priority) != nil else {
            throw .invalidArgument("priority must fit in 32 bits, not \(priority)")
        }
        if let delay, delay < .zero { throw .invalidArgument("delay must be non-negative, got \(delay)") }
        if let timeout, timeout < .zero {
            throw .invalidArgument("timeout must be non-negative, got \(timeout)")
        }
    }
}
