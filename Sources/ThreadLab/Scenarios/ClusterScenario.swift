import Foundation
import PostgresScratchServer
import Threading
import ThreadingPostgres

/// Beyond the tutorial: the same `ProcessTask`s through PostgreSQL (`PostgresExecutor`),
/// on two `threadlab worker` processes that could as well run on other machines. The
/// worker running the long job is killed with SIGKILL mid-job; the job is rescued when its
/// lease runs out and finishes on the other worker.
///
/// Who runs what is read from the workers' output, as it comes (`ClusterTask` announces
/// every start): no polling.
package enum ClusterScenario {
    package struct Result: Sendable {
        /// Jobs submitted and results received, the long job included.
        package var submitted: Int
        package var received: Int
        /// How many times each job started, by number (0 is the long job).
        package var startCounts: [Int: Int]
        /// The pids the long job started on, in order: the killed worker's, the rescuer's.
        package var longJobWorkers: [Int32]
        /// The worker killed with SIGKILL, and the one left.
        package var killed: Int32?
        package var survivor: Int32?
        /// From the kill to the rescued job's start on the other worker.
        package var rescueDelay: Duration?
        package var lease: Duration
        package var verdict: Verdict
    }

    /// A step that did not happen (in time): the scenario fails with it.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(_ description: String) { self.description = description }
    }

    /// Why the scenario cannot run here, or nil when it can: it needs `THREADING_PG_URL` or
    /// PostgreSQL's server programs to start a scratch server with.
    package static var databaseUnavailable: String? {
        if ProcessInfo.processInfo.environment["THREADING_PG_URL"] != nil { return nil }
        guard ScratchPostgresServer.binaryDirectory() == nil else { return nil }
        return
            "no PostgreSQL server: \(ScratchPostgresServer.installHint); or set THREADING_PG_URL to a database"
    }

    /// Runs `shortJobs` jobs of `shortJob` and one of `longJob` (job 0) on two workers with
    /// leases of `lease`, and kills the worker that runs job 0 once the short jobs are done.
    package static func run(
        _ context: LabContext, shortJobs: Int = 40, shortJob: Duration = .milliseconds(20),
        longJob: Duration = .seconds(2), lease: Duration = .seconds(1)
    ) throws -> Result {
        if let why = databaseUnavailable {
            return Result(
                submitted: 0, received: 0, startCounts: [:], longJobWorkers: [], lease: lease,
                verdict: Verdict(name: "cluster", summary: why, outcome: .skipped))
        }
        let log = context.log
        var server: ScratchPostgresServer?
        // What Ctrl-C or SIGTERM must stop if it comes before these defers run.
        var serverCleanup: UInt64?
        defer { if let serverCleanup { InterruptCleanup.remove(serverCleanup) } }
        defer { server?.stop() }
        let url: String
        if let given = ProcessInfo.processInfo.environment["THREADING_PG_URL"] {
            url = given
            log("PostgreSQL: the database THREADING_PG_URL names")
        } else {
            let (started, took) = try LabClock.measure { try ScratchPostgresServer() }
            server = started
            url = started.url
            serverCleanup = try InterruptCleanup.add { started.stop() }
            log(
                "started a scratch PostgreSQL server on 127.0.0.1:\(started.port) in \(LabClock.format(took))"
            )
        }

        // A queue of this run's own: other jobs in a shared database stay out of it.
        let queue = "threadlab-cluster-\(getpid())"
        let lines = Queue<WorkerProcess.Line>()
        var workers: [WorkerProcess] = []
        defer { for worker in workers { worker.stop(grace: .seconds(10)) } }
        var workerCleanups: [UInt64] = []
        // Forgotten before the workers are stopped and reaped: a pid may be reused after.
        defer { for token in workerCleanups { InterruptCleanup.remove(token) } }
        let arguments = [
            "worker", "--postgres", url, "--queue", queue, "--concurrency", "2",
            "--lease-ms", String(milliseconds(lease)),
        ]
        for index in 0..<2 {
            let worker = try WorkerProcess(
                index: index, executable: context.executable, arguments: arguments, lines: lines)
            workers.append(worker)
            let pid = worker.pid
            workerCleanups.append(try InterruptCleanup.add { kill(pid, SIGKILL) })
        }
        log(
            "started `threadlab worker --queue \(queue) --concurrency 2 --lease-ms \(milliseconds(lease))` "
                + "twice: worker A is pid \(workers[0].pid), worker B pid \(workers[1].pid)")
        var book = ClusterBook()
        // The workers' own lines and job 0's; the short jobs' starts are counted, not shown.
        let show = { (line: WorkerProcess.Line, start: ClusterBook.Start?) in
            guard let text = line.text, start == nil || start?.job == 0 else { return }
            log.plain("    worker \(letter(line.worker)) | \(text)")
        }
        try book.read(lines, timeout: .seconds(30), waitingFor: "both workers to serve", show: show) {
            $0.serving.count == 2 || !$0.ended.isEmpty
        }
        guard book.serving.count == 2 else { throw Failure("a worker ended before it served") }

        let executor = try PostgresExecutor(url: url, queue: queue, tasks: LabTasks.all)
        defer { executor.shutdown(wait: false, cancelFutures: true) }
        log(
            "submitting job 0 (\(LabClock.format(longJob))), then jobs 1…\(shortJobs) "
                + "(\(LabClock.format(shortJob)) each), through a PostgresExecutor")
        let long = try executor.submit(ClusterTask(job: 0, milliseconds: milliseconds(longJob)))
        let shorts = try (0..<shortJobs).map {
            try executor.submit(ClusterTask(job: $0 + 1, milliseconds: milliseconds(shortJob)))
        }
        try book.read(lines, timeout: .seconds(30), waitingFor: "job 0 to start", show: show) {
            !$0.starts(of: 0).isEmpty
        }
        let first = book.starts(of: 0)[0]
        guard let victim = workers.first(where: { $0.pid == first.pid }),
            let survivor = workers.first(where: { $0.pid != first.pid })
        else { throw Failure("job 0 started on pid \(first.pid), none of the workers") }

        var received = 0
        var wrong = 0
        var ranOn: [Int32: Int] = [:]
        for (offset, future) in shorts.enumerated() {
            let output = try future.result(timeout: .seconds(30))
            received += 1
            if output.count == 2, output[0] == offset + 1 {
                ranOn[Int32(output[1]), default: 0] += 1
            } else {
                wrong += 1
            }
        }
        log(
            "the \(shortJobs) short jobs are done: worker A ran \(ranOn[workers[0].pid] ?? 0), "
                + "worker B \(ranOn[workers[1].pid] ?? 0)")
        guard !long.isDone else {
            throw Failure(
                "job 0 was over before the short jobs: too slow a machine to kill its worker mid-job")
        }

        victim.send(SIGKILL)
        let killedAt = ContinuousClock.now
        log(
            "SIGKILL to worker \(letter(victim.index)) (pid \(victim.pid)) while job 0 runs on it: "
                + "nobody renews the job's lease (\(LabClock.format(lease))) any more")
        guard try victim.waitForExit(timeout: .seconds(30)) else {
            throw Failure("SIGKILL did not end the worker")
        }
        try book.read(lines, timeout: lease + .seconds(30), waitingFor: "job 0's rescue", show: show) {
            $0.starts(of: 0).count >= 2
        }
        let rescue = book.starts(of: 0)[1]
        let rescueDelay = killedAt.duration(to: rescue.time)
        log(
            "job 0 rescued: it started again on pid \(rescue.pid) \(LabClock.format(rescueDelay)) "
                + "after the kill (lease \(LabClock.format(lease)))")
        let longOutput = try long.result(timeout: longJob + .seconds(30))
        received += 1
        let doneAfter = killedAt.duration(to: .now)
        log("job 0 finished on pid \(longOutput.last ?? -1), \(LabClock.format(doneAfter)) after the kill")

        // The remaining worker drains on SIGTERM; its output, and every line, ends.
        survivor.send(SIGTERM)
        let drained = try survivor.waitForExit(timeout: .seconds(30)) && survivor.status == 0
        try book.read(lines, timeout: .seconds(30), waitingFor: "the workers' output to end", show: show) {
            $0.ended.count == 2
        }

        let counts = book.startCounts
        let submitted = shortJobs + 1
        let shortNumbers = 1..<(shortJobs + 1)
        let repeated = shortNumbers.filter { counts[$0, default: 0] > 1 }.count
        let missing = shortNumbers.filter { counts[$0, default: 0] == 0 }.count
        let longJobWorkers = book.starts(of: 0).map(\.pid)
        let rescued = longJobWorkers == [victim.pid, survivor.pid] && longOutput == [0, Int(survivor.pid)]
        let inTime = rescueDelay <= lease * 2
        let matched =
            received == submitted && wrong == 0 && repeated == 0 && missing == 0 && rescued && inTime
            && drained && book.drained.contains(survivor.index)
        var summary = "\(submitted) jobs submitted, \(received) results received; "
        summary +=
            repeated + missing == 0
            ? "each short job ran once, " : "\(repeated) short jobs ran more than once, \(missing) never; "
        summary +=
            "the long one \(longJobWorkers.count == 2 ? "twice" : "\(longJobWorkers.count) times"): SIGKILL to its worker (pid \(victim.pid)), "
            + "rescued \(LabClock.format(rescueDelay)) later on pid \(rescue.pid) (lease \(LabClock.format(lease))"
            + "\(inTime ? "" : ", TOO LATE")), done \(LabClock.format(doneAfter)) after the kill; "
            + "the other worker \(drained ? "drained on SIGTERM" : "did NOT drain on SIGTERM")"
        return Result(
            submitted: submitted, received: received, startCounts: counts, longJobWorkers: longJobWorkers,
            killed: victim.pid, survivor: survivor.pid, rescueDelay: rescueDelay, lease: lease,
            verdict: Verdict(name: "cluster", summary: summary, matched: matched))
    }

    /// Worker A or B.
    private static func letter(_ index: Int) -> String {
        index == 0 ? "A" : "B"
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int((LabClock.seconds(duration) * 1000).rounded())
    }
}
