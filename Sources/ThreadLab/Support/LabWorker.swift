import Foundation
import Multiprocessing
import ThreadingPostgres

/// `threadlab worker`: a `PostgresWorker` serving task types from PostgreSQL until SIGTERM
/// or SIGINT drains it, with one line when it starts and one when it drained.
package enum LabWorker {
    /// The start line holds this, after `worker PID`.
    package static let servingMarker = "serving"
    /// The last line: `worker PID drained`.
    package static let drainedMarker = "drained"

    /// Connects, serves `queues` until a stop signal, then returns once the jobs held have
    /// finished and their answers are written. Blocks throughout.
    ///
    /// - Throws: what `PostgresWorker.init` and `run()` throw (`PostgresExecutorError`).
    package static func run(
        url: String, queues: [String], tasks: [any ProcessTask.Type], concurrency: Int?, lease: Duration,
        log: LabLog = LabLog()
    ) throws {
        let worker = try PostgresWorker(
            url: url, queues: queues, tasks: tasks, concurrency: concurrency, lease: lease)
        let threads = concurrency.map { "\($0) threads" } ?? "a thread per core"
        log(
            "worker \(getpid()) \(servingMarker) queue \(queues.joined(separator: ", ")) on \(threads), "
                + "lease \(LabClock.format(lease)): \(tasks.map { $0.taskName }.joined(separator: ", "))")
        try worker.run()
        log("worker \(getpid()) \(drainedMarker)")
    }
}
