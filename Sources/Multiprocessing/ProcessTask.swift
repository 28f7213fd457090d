@_exported import Threading

/// A unit of work that runs in a worker process: a `Codable` value whose `run()` the
/// worker calls after decoding it there; its `Output` travels back the same way.
///
/// Register each task type in `tasks:` on both sides — the pool's and the worker
/// program's (`ProcessPoolExecutor.runWorkerIfRequested(tasks:)`). The two sides find each
/// other's types by `taskName`, so when the worker is a different program, give the type
/// the same `taskName` (and the same coding keys) there.
public protocol ProcessTask: Codable, Sendable {
    associatedtype Output: Codable & Sendable
    /// Runs in the worker. A thrown error reaches the caller as
    /// `ProcessPoolError.remote(type:message:)`.
    func run() throws -> Output
    /// The name this type travels under. Defaults to the module-qualified type name
    /// (`String(reflecting: Self.self)`), which is the same on both sides when the worker is
    /// this program itself.
    static var taskName: String { get }
}

extension ProcessTask {
    public static var taskName: String { String(reflecting: Self.self) }
}
