import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One connection to the server, used by blocking calls: each statement blocks the
/// calling thread on postgres-nio's `EventLoopFuture` (a condition variable inside NIO)
/// until the server answers. Several threads may share a link; their statements run one
/// after another on the connection, pipelined by postgres-nio.
///
/// A lost connection is reconnected with backoff (50 ms doubling to 2 s) and the
/// statement run again, for at most `unreachableLimit`; then the call throws
/// `.database`. So every statement sent through a link must be safe to run twice: the
/// callers make them so (an enqueue token, a completion that names its attempt). An SQL
/// error, a refused login or a missing database throws at once.
final class DatabaseLink: Sendable {
    let url: PostgresURL
    let unreachableLimit: Duration
    private let logger: Logger
    private let state = LockedState(LinkState())

    struct LinkState {
        var connection: PostgresConnection?
        var closed = false
        /// Threads waiting out a reconnect backoff; `close()` wakes them.
        var sleepers: [ObjectIdentifier: ThreadParker] = [:]
        /// Bumped on every new connection, so a caller can tell that listeners must be re-added.
        var generation = 0
    }

    init(url: PostgresURL, unreachableLimit: Duration) {
        self.url = url
        self.unreachableLimit = unreachableLimit
        var logger = Logger(label: "swift-threading.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// Connects now, once, without retrying: for `init`s, which should fail fast on a wrong
    /// URL, password or port. Blocks on the connect and login.
    func connectOnce() throws(PostgresExecutorError) {
        do {
            _ = try current()
        } catch let error as PostgresExecutorError {
            throw error
        } catch {
            throw .database("cannot connect to \(url.place): \(DatabaseLink.describe(error))")
        }
    }

    /// Runs `query`, reconnecting after a lost connection (see the type's comment). Blocks
    /// on the server's answer, and on reconnect backoffs.
    @discardableResult
    func run(_ query: PostgresQuery) throws(PostgresExecutorError) -> PostgresQueryResult {
        var giveUp: ContinuousClock.Instant?
        var backoff = Duration.milliseconds(50)
        while true {
            let failure: any Error
            do {
                let connection = try current().connection
                do {
                    return try connection.query(query, logger: logger).wait()
                } catch {
                    guard DatabaseLink.isConnectionLoss(error) || connection.isClosed else {
                        throw PostgresExecutorError.database(DatabaseLink.describe(error))
                    }
                    drop(connection)
                    throw error
                }
            } catch let error as PostgresExecutorError {
                throw error
            } catch {
                failure = error
            }
            let now = ContinuousClock.now
            let limit = giveUp ?? now + unreachableLimit
            giveUp = limit
            guard now < limit else {
                throw .database(
                    "\(url.place) unreachable for \(unreachableLimit): \(DatabaseLink.describe(failure))")
            }
            try sleep(min(backoff, now.duration(to: limit)))
            backoff = min(backoff * 2, .seconds(2))
        }
    }

    /// The connection and its generation, connecting when there is none. A login refused
    /// or a database missing throws `.database`; a transport failure throws the underlying
    /// error, for `run` to retry.
    func current() throws -> (connection: PostgresConnection, generation: Int) {
        let existing = state.withLock { state in
            state.connection.map { ($0, state.generation) }
        }
        if let existing, !existing.0.isClosed { return existing }
        let fresh: PostgresConnection
        do {
            fresh = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: url.configuration,
                id: 0, logger: logger
            ).wait()
        } catch {
            if DatabaseLink.isConnectionLoss(error) { throw error }
            throw PostgresExecutorError.database("\(url.place) refused: \(DatabaseLink.describe(error))")
        }
        let (winner, extra) = state.withLock { state -> ((PostgresConnection, Int)?, PostgresConnection?) in
            if state.closed { return (nil, fresh) }
            if let connection = state.connection, !connection.isClosed {
                return ((connection, state.generation), fresh)
            }
            state.connection = fresh
            state.generation += 1
            return ((fresh, state.generation), nil)
        }
        if let extra { _ = try? DatabaseLink.closeKeepingAlive(extra).wait() }
        guard let winner else {
            throw PostgresExecutorError.database("the connection to \(url.place) is closed")
        }
        return winner
    }

    /// Forgets `connection` after it failed, so the next statement connects anew, and
    /// closes it without blocking. The returned future completes when its channel is closed.
    @discardableResult
    func drop(_ connection: PostgresConnection) -> EventLoopFuture<Void> {
        let dropped = state.withLock { state -> Bool in
            guard let current = state.connection, current === connection else { return false }
            state.connection = nil
            return true
        }
        guard dropped else { return connection.closeFuture }
        return DatabaseLink.closeKeepingAlive(connection)
    }

    /// Closes the connection and wakes threads waiting to reconnect (they throw). Blocks
    /// until the connection is closed.
    func close() {
        let (connection, sleepers) = state.withLock { state in
            state.closed = true
            defer {
                state.connection = nil
                state.sleepers = [:]
            }
            return (state.connection, Array(state.sleepers.values))
        }
        for sleeper in sleepers { sleeper.unpark() }
        if let connection { _ = try? DatabaseLink.closeKeepingAlive(connection).wait() }
    }

    /// A link let go without `close()` (an `init` that failed after connecting, a worker
    /// never run) closes its connection all the same, without blocking.
    deinit {
        if let connection = state.withLock({ $0.connection }) {
            _ = DatabaseLink.closeKeepingAlive(connection)
        }
    }

    /// Closes `connection` and keeps it alive until its channel is closed, which the
    /// returned future reports: postgres-nio asserts (in debug builds) that a connection is
    /// closed when it is deinitialized, and the caller's reference may be the last one.
    private static func closeKeepingAlive(_ connection: PostgresConnection) -> EventLoopFuture<Void> {
        connection.closeFuture.whenComplete { _ in withExtendedLifetime(connection) {} }
        // A close that fails finds the channel closed or closing already: the close future
        // still reports the end.
        connection.close().whenComplete { _ in }
        return connection.closeFuture
    }

    /// Waits out one backoff step, or less when the link closes (then throws).
    private func sleep(_ duration: Duration) throws(PostgresExecutorError) {
        let parker = ThreadParker()
        let key = ObjectIdentifier(parker)
        let closed = state.withLock { state in
            if !state.closed { state.sleepers[key] = parker }
            return state.closed
        }
        if !closed { _ = parker.park(until: .after(duration)) }
        let closedNow = state.withLock { state in
            state.sleepers[key] = nil
            return state.closed
        }
        if closedNow { throw .database("the connection to \(url.place) is closed") }
    }

    /// Whether `error` means the connection is gone (or never came), so that a retry on a
    /// new connection may succeed: a transport error, the server closing, or the server's
    /// SQLSTATE classes 08 (connection exception), 53 (too many connections) and 57
    /// (operator intervention: shutdown, `pg_terminate_backend`).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return true }
        guard error.code == .server else {
            switch error.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
                return true
            default: return false
            }
        }
        guard let sqlState = error.serverInfo?[.sqlState] else { return false }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("53") || sqlState.hasPrefix("57")
    }

    /// The error in words: the server's message and SQLSTATE, or what failed on the way.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo, let message = info[.message] {
            let detail = info[.detail].map { " (\($0))" } ?? ""
            return "\(message)\(detail) [SQLSTATE \(info[.sqlState] ?? "?")]"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
