import Foundation
import PostgresScratchServer
import ThreadingPostgres

/// `threadlab bench --cluster`: the distributed workloads D1–D4 (docs/WORKLOADS.md) on a
/// PostgreSQL server of this machine, this package beside the Python peers in
/// `bench/peers/cluster/` (when their virtual environment is set up), each on a database
/// of its own, in one run.
package struct ClusterBench {
    package var quick: Bool
    /// Python peer programs to run: recipe, pgqueuer, procrastinate, celery.
    package var peers: [String]
    package var context: LabContext

    package static let knownPeers = ["recipe", "pgqueuer", "procrastinate", "celery"]
    static let peerScripts = [
        "recipe": "recipe_asyncpg.py", "pgqueuer": "pgqueuer_peer.py",
        "procrastinate": "procrastinate_peer.py",
        "celery": "celery_peer.py",
    ]

    package init(quick: Bool, peers: [String], context: LabContext) {
        self.quick = quick
        self.peers = peers
        self.context = context
    }

    /// For `ClusterBook.read`: the bench shows no worker output.
    static func ignoreLine(_ line: WorkerProcess.Line, _ start: ClusterBook.Start?) {}

    var jobs: Int { quick ? 1_000 : 10_000 }
    var latencyJobs: Int { quick ? 100 : 500 }
    var crashJobs: Int { quick ? 200 : 1_000 }

    /// Runs every implementation; `progress` hears what starts. Figures of a side that
    /// failed carry `ok: false` and the reason.
    package func run(progress: (String) -> Void) throws -> [BenchFigure] {
        var server: ScratchPostgresServer?
        // Ctrl-C or SIGTERM stops the server too (`InterruptCleanup`).
        var serverCleanup: UInt64?
        defer { if let serverCleanup { InterruptCleanup.remove(serverCleanup) } }
        defer { server?.stop() }
        let admin: String
        if let given = ProcessInfo.processInfo.environment["THREADING_PG_URL"] {
            admin = given
        } else {
            guard ScratchPostgresServer.binaryDirectory() != nil else {
                throw ClusterScenario.Failure("no PostgreSQL server: \(ScratchPostgresServer.installHint)")
            }
            let started = try ScratchPostgresServer()
            server = started
            admin = started.url
            serverCleanup = try InterruptCleanup.add { started.stop() }
        }
        let tag = "\(getpid())"
        var figures: [BenchFigure] = []
        progress("swift: D1–D4")
        let url = try PostgresAdmin.createDatabase("bench_swift_\(tag)", on: admin)
        figures += (try? ownFigures(url: url, progress: progress)) ?? []
        for peer in peers {
            progress("\(peer): D1–D4")
            let peerURL = try PostgresAdmin.createDatabase("bench_\(peer)_\(tag)", on: admin)
            figures += peerFigures(peer, url: peerURL)
        }
        return figures
    }

    // MARK: This package

    func ownFigures(url: String, progress: (String) -> Void) throws -> [BenchFigure] {
        var figures: [BenchFigure] = []
        func add(
            _ id: String, _ n: Int, _ value: Double, _ unit: String, ok: Bool = true, note: String? = nil
        ) {
            figures.append(
                BenchFigure(
                    implementation: "swift", id: id, n: n, value: value, unit: unit, ok: ok, note: note))
        }
        // D1: no worker runs; the jobs stay queued in a queue nobody serves.
        let enqueuer = try PostgresExecutor(url: url, queue: "d1", tasks: LabTasks.all)
        let (_, single) = try LabClock.measure {
            for x in 0..<jobs { _ = try enqueuer.enqueue(IncrementTask(x)) }
        }
        add(
            "D1.single", jobs, Double(jobs) / LabClock.seconds(single), "jobs/s",
            note: "enqueue, one commit each")
        let (_, batch) = try LabClock.measure {
            _ = try enqueuer.enqueue(contentsOf: (0..<jobs).map(IncrementTask.init))
        }
        add(
            "D1.batch", jobs, Double(jobs) / LabClock.seconds(batch), "jobs/s",
            note: "enqueue(contentsOf:), 1,000 rows a statement")
        enqueuer.shutdown()

        // D2: map through two worker processes.
        try withWorkers(url: url, queue: "d2", lease: nil) { executor, _, _ in
            progress("swift: D2")
            let (outputs, took) = try LabClock.measure {
                try executor.map((0..<jobs).map(IncrementTask.init), timeout: .seconds(300))
            }
            add(
                "D2", jobs, Double(jobs) / LabClock.seconds(took), "jobs/s",
                ok: outputs == (1...jobs).map { $0 },
                note: "map through 2 worker processes, futures completed by LISTEN")
        }

        // D3: one job at a time, 5 ms apart.
        try withWorkers(url: url, queue: "d3", lease: nil) { executor, _, _ in
            progress("swift: D3")
            var starts: [Double] = []
            var results: [Double] = []
            for sequence in 0..<latencyJobs {
                let sent = StampTask.monotonicNanoseconds()
                let began = try executor.submit(StampTask(sequence)).result(timeout: .seconds(30))
                let seen = StampTask.monotonicNanoseconds()
                starts.append(Double(began &- sent) / 1e6)
                results.append(Double(seen &- sent) / 1e6)
                LabClock.sleep(.milliseconds(5))
            }
            add("D3.start.p50", latencyJobs, percentile(starts, 0.5), "ms")
            add("D3.start.p99", latencyJobs, percentile(starts, 0.99), "ms")
            add("D3.result.p50", latencyJobs, percentile(results, 0.5), "ms")
            add("D3.result.p99", latencyJobs, percentile(results, 0.99), "ms")
        }

        // D4: SIGKILL to the worker running a 2 s job among many tiny ones; default lease.
        try withWorkers(url: url, queue: "d4", lease: nil) { executor, workers, lines in
            progress("swift: D4")
            var book = ClusterBook()
            let long = try executor.submit(ClusterTask(job: 0, milliseconds: 2000))
            let tiny = try (1...crashJobs).map { try executor.submit(ClusterTask(job: $0, milliseconds: 0)) }
            try book.read(
                lines, timeout: .seconds(60), waitingFor: "the long job to start", show: { _, _ in }
            ) {
                !$0.starts(of: 0).isEmpty
            }
            guard let victim = workers.first(where: { $0.pid == book.starts(of: 0)[0].pid }) else {
                throw ClusterScenario.Failure("the long job started on no worker of ours")
            }
            victim.send(SIGKILL)
            let killedAt = ContinuousClock.now
            try book.read(
                lines, timeout: .seconds(90), waitingFor: "the long job to rerun", show: { _, _ in }
            ) {
                $0.starts(of: 0).count >= 2
            }
            let rerun = killedAt.duration(to: book.starts(of: 0)[1].time)
            var lost = 0
            for future in [long] + tiny where (try? future.result(timeout: .seconds(90))) == nil {
                lost += 1
            }
            // Drain the output so every start is counted.
            let counts = book.startCounts
            let twice = (1...crashJobs).filter { counts[$0, default: 0] > 1 }.count
            let waited =
                try PostgresAdmin.column(
                    "SELECT count(*)::text FROM swift_threading_jobs WHERE queue = 'd4' AND attempt > 1",
                    on: url
                ).first.flatMap { Int($0) }.map { $0 - 1 } ?? 0
            let note =
                "default lease 10 s; \(waited) tiny jobs held by the killed worker waited for its lease"
            add("D4.rerun", crashJobs + 1, LabClock.seconds(rerun), "s", note: note)
            add("D4.lost", crashJobs + 1, Double(lost), "jobs", ok: lost == 0)
            add("D4.twice", crashJobs + 1, Double(twice), "jobs", ok: twice == 0)
        }
        return figures
    }

    /// Starts two `threadlab worker`s on `queue`, waits until both serve, runs `body`, and
    /// stops them (SIGTERM, then SIGKILL after a grace).
    func withWorkers(
        url: String, queue: String, lease: Duration?,
        _ body: (PostgresExecutor, [WorkerProcess], Queue<WorkerProcess.Line>) throws -> Void
    ) throws {
        let lines = Queue<WorkerProcess.Line>()
        var workers: [WorkerProcess] = []
        defer { for worker in workers { worker.stop(grace: .seconds(10)) } }
        var workerCleanups: [UInt64] = []
        // Forgotten before the workers are stopped and reaped: a pid may be reused after.
        defer { for token in workerCleanups { InterruptCleanup.remove(token) } }
        var arguments = ["worker", "--postgres", url, "--queue", queue, "--concurrency", "2"]
        if let lease { arguments += ["--lease-ms", "\(Int(LabClock.seconds(lease) * 1000))"] }
        for index in 0..<2 {
            let worker = try WorkerProcess(
                index: index, executable: context.executable, arguments: arguments, lines: lines)
            workers.append(worker)
            let pid = worker.pid
            workerCleanups.append(try InterruptCleanup.add { kill(pid, SIGKILL) })
        }
        var book = ClusterBook()
        try book.read(
            lines, timeout: .seconds(30), waitingFor: "both workers to serve", show: ClusterBench.ignoreLine
        ) {
            $0.serving.count == 2 || !$0.ended.isEmpty
        }
        let executor = try PostgresExecutor(url: url, queue: queue, tasks: LabTasks.all)
        defer { executor.shutdown(wait: false, cancelFutures: true) }
        // Warm up: both workers claim and answer before timing.
        _ = try executor.map((0..<20).map(IncrementTask.init), timeout: .seconds(30))
        try body(executor, workers, lines)
    }

    func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    // MARK: Peers

    func peerFigures(_ peer: String, url: String) -> [BenchFigure] {
        func missing(_ why: String) -> [BenchFigure] {
            [BenchFigure(implementation: peer, id: "D1.single", note: why)]
        }
        guard let directory = PeerPrograms.directory(executable: context.executable),
            let script = ClusterBench.peerScripts[peer]
        else { return missing("bench/peers not found") }
        let python = "\(directory)/.venv-cluster/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return missing("not set up: run `bash bench/peers/cluster/setup.sh`")
        }
        var arguments = ["\(directory)/cluster/\(script)", "--url", url]
        if quick { arguments.append("--quick") }
        do {
            return try PeerPrograms.run(python, arguments, timeout: .seconds(900)).map { figure in
                BenchFigure(
                    implementation: peer, id: figure.id, n: figure.n, value: figure.value, unit: figure.unit,
                    seconds: figure.seconds, ok: figure.ok, note: figure.note)
            }
        } catch {
            return missing("\(error)")
        }
    }

    /// The figures as one table: a row per workload, a column per implementation.
    package static func table(_ figures: [BenchFigure]) -> String {
        let implementations =
            ["swift"] + knownPeers.filter { name in figures.contains { $0.implementation == name } }
        let ids = [
            "D1.single", "D1.batch", "D2", "D3.start.p50", "D3.start.p99", "D3.result.p50", "D3.result.p99",
            "D4.rerun", "D4.lost", "D4.twice",
        ]
        var lines = ["| workload | " + implementations.joined(separator: " | ") + " |"]
        lines.append("|---|" + String(repeating: "---|", count: implementations.count))
        for id in ids {
            var cells: [String] = []
            for implementation in implementations {
                guard
                    let figure = figures.first(where: { $0.implementation == implementation && $0.id == id }),
                    let value = figure.value
                else {
                    cells.append("—")
                    continue
                }
                let number = value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
                cells.append(number + (figure.ok == false ? " (!)" : ""))
            }
            let unit = figures.first { $0.id == id && $0.unit != nil }?.unit ?? ""
            lines.append("| \(id) \(unit) | " + cells.joined(separator: " | ") + " |")
        }
        let notes = figures.compactMap { figure in
            figure.note.map { "- \(figure.implementation) \(figure.id): \($0)" }
        }
        return (lines + [""] + notes).joined(separator: "\n")
    }
}
