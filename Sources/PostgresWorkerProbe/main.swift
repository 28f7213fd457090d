// A PostgresWorker serving the probe tasks, for the tests that kill a worker process:
// `PostgresWorkerProbe URL CONCURRENCY LEASE_MS`. It prints "ready" once it runs, and
// exits 0 after SIGTERM or SIGINT drained it, 1 with the error when run() threw.
import Glibc
import ProbeTasks
import ThreadingPostgres

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 3, let concurrency = Int(arguments[1]), let leaseMilliseconds = Int64(arguments[2])
else {
    print("usage: PostgresWorkerProbe URL CONCURRENCY LEASE_MS")
    exit(64)
}
do {
    let worker = try PostgresWorker(
        url: arguments[0], tasks: probeTasks, concurrency: concurrency,
        lease: .milliseconds(leaseMilliseconds))
    print("ready \(getpid())")
    fflush(nil)
    try worker.run()
    print("drained")
    exit(0)
} catch {
    print("error: \(error)")
    exit(1)
}
