import ArgumentParser
import ThreadLab

/// `threadlab worker --postgres URL`: the lab's task types served from PostgreSQL (the
/// cluster scenario starts two of these) until SIGTERM or SIGINT drains it.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the lab's tasks from PostgreSQL (a PostgresWorker) until SIGTERM or SIGINT.")

    @Option(help: "The database: postgres://user[:password]@host[:port]/database.")
    var postgres: String

    @Option(
        name: .customLong("queue"), help: "A queue to take jobs from; repeat for more (default: default).")
    var queues: [String] = []

    @Option(help: "Threads running jobs (default: one per core).")
    var concurrency: Int?

    @Option(help: "The lease in milliseconds: a killed worker's jobs run again about this much later.")
    var leaseMs: Int = 10_000

    func validate() throws {
        if let concurrency, concurrency < 1 || concurrency > 1024 {
            throw ValidationError("--concurrency must be in 1...1024, not \(concurrency)")
        }
        guard leaseMs >= 100, leaseMs <= 86_400_000 else {
            throw ValidationError("--lease-ms must be in 100...86400000, not \(leaseMs)")
        }
    }

    func run() throws {
        // The task types are registered here, in the worker program, by `taskName`.
        try LabWorker.run(
            url: postgres, queues: queues.isEmpty ? ["default"] : queues, tasks: LabTasks.all,
            concurrency: concurrency, lease: .milliseconds(leaseMs))
    }
}
