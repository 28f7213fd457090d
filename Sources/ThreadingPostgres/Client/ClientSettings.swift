/// The tunables of a `PostgresExecutor`, with the documented defaults. `package` so the
/// tests can shorten them; users get the defaults.
package struct ClientSettings: Sendable {
    /// LISTEN for ended jobs. Off: only the sweeps below find them (polling-only mode).
    package var listen = true
    /// How often every pending job is read again: a safety net when LISTEN works (a
    /// notification cannot be missed while its connection stands, and a new connection
    /// sweeps at once), the only way when it does not.
    package var sweepInterval = Duration.seconds(30)
    /// The sweep interval when LISTEN is off or failing.
    package var pollInterval = Duration.seconds(1)
    /// How long the database may be unreachable before calls throw and futures fail with
    /// `PostgresExecutorError.database`.
    package var unreachableLimit = Duration.seconds(60)
    /// Rows per insert statement of `map`.
    package var insertBatch = 1000

    package init() {}
}
