/// Why a `PostgresExecutor` or `PostgresWorker` call failed on the database's side. What
/// a task did is reported as for `ProcessPoolExecutor`, with `ProcessPoolError`.
public enum PostgresExecutorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL is not `postgres://user[:password]@host[:port]/database` or its Unix-socket
    /// form `postgres://user@/database?host=/dir[&port=N]`; the text says what is wrong.
    case invalidURL(String)
    /// The server is unreachable (for longer than the executor's limit, 60 s by default),
    /// refused the login, or answered a statement with an SQL error: in words.
    case database(String)
    /// `future(for:of:)` of an id that does not exist (or whose row was pruned).
    case unknownJob(JobID)

    public var description: String {
        switch self {
        case .invalidURL(let why): "invalid PostgreSQL URL: \(why)"
        case .database(let why): "PostgreSQL: \(why)"
        case .unknownJob(let id): "no such job: \(id.rawValue)"
        }
    }
}
