// A PostgresWorker serving the probe tasks, for the tests that kill a worker process:
// `PostgresWorkerProbe URL CONCURRENCY LEASE_MS [hold-answers]`. It prints "ready" once it
// runs, and exits 0 after SIGTERM or SIGINT drained it, 1 with the error when run() threw.
// `hold-answers`: it never writes an answer (a worker dying between a task's end and the
// commit of its answer, frozen).
import Glibc
import ProbeTasks
import ThreadingPostgres

let arguments = Array(CommandLine.arguments.dropFirst())
guard (3...4).contains(arguments.count), let concurrency = Int(arguments[1]),
    let leaseMilliseconds = Int64(arguments[2])
else {
    print("usage: PostgresWorkerProbe URL CONCURRENCY LEASE_MS [hold-answers]")
    exit(64)
}
do {
    var settings = WorkerSettings()
    settings.holdsAnswers = arguments.count == 4 && arguments[3] == "hold-answers"
    let worker = try PostgresWorker(
        url: arguments[0], tasks: probeTasks, concurrency: concurrency,
        lease: .milliseconds(leaseMilliseconds), settings: settings)
    print("ready \(getpid())")
    fflush(nil)
    try worker.run()
    print("drained")
    exit(0)
} catch {
    print("error: \(error)")
    exit(1)
}
