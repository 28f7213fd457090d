/// The tunables of a `PostgresWorker`, with the documented defaults. `package` so the
/// tests can shorten them; users get the defaults.
package struct WorkerSettings: Sendable {
    /// LISTEN for new jobs. Off: only the poll below finds them.
    package var listen = true
    /// How often the worker looks for jobs without being told: a safety net when LISTEN
    /// works, the only way when it does not.
    package var sweepInterval = Duration.seconds(30)
    package var pollInterval = Duration.seconds(1)
    /// How long the database may be unreachable before `run()` throws `.database`.
    package var unreachableLimit = Duration.seconds(60)
    /// Ended rows are deleted after this long.
    package var retention = Duration.seconds(86_400)
    /// SIGTERM and SIGINT drain the worker (off for tests that run several in one process
    /// and stop them with `stop()`).
    package var handlesSignals = true
    /// Never write answers: a test's stand-in for a worker that dies between the end of a
    /// task and the commit of its answer.
    package var holdsAnswers = false

    package init() {}
}
