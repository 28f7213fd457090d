/// Starts `body` as a task at high priority, the way tests start the tasks they then wait
/// for with a bound.
///
/// Swift Testing runs synchronous tests on the cooperative threads of the default
/// priority (two on a 2-core machine), and blocking stress tests hold them for seconds: a
/// task of the default priority queued behind them once waited out a 10 s bound under
/// ThreadSanitizer. On Linux each priority has threads of its own, so a high-priority
/// task starts at once (measured: 0.3 ms while eight blocking default-priority tasks made
/// another default-priority one wait 11.7 s).
package func inTask<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Task<T, any Error> {
    Task(priority: .high, operation: body)
}

/// `inTask` for a body that cannot throw.
package func inTask<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> Task<T, Never> {
    Task(priority: .high, operation: body)
}
