import Foundation
import Testing
import Threading
import ThreadingTestSupport

@testable import ThreadLab

/// The cluster scenario against a real PostgreSQL: a scratch server, or `THREADING_PG_URL`.
/// Without one it is skipped, except under `CI=true`, where a missing server is a failure.
@Suite(
    "Cluster scenario", .hangGuard,
    .enabled(
        if: ClusterScenario.databaseUnavailable == nil || ProcessInfo.processInfo.environment["CI"] == "true",
        "\(ClusterScenario.databaseUnavailable ?? "")"))
struct ClusterScenarioTests {
    /// Whether the database is missing (the suite runs anyway under `CI=true`, where that
    /// is a failure, recorded here).
    func databaseMissing() -> Bool {
        guard let why = ClusterScenario.databaseUnavailable else { return false }
        Issue.record("CI=true, yet \(why)")
        return true
    }

    @Test func killedWorkersJobIsRescuedOnTheOtherWorker() throws {
        if databaseMissing() { return }
        // Wider margins than the lab's (a 2 s job, a 1 s lease): under a loaded TSan run
        // the short jobs must still end while job 0 runs, and the rescue come within two
        // leases, with its claim, its start line and the lab's read of that line.
        let result = try ClusterScenario.run(quietContext(), longJob: .seconds(5), lease: .seconds(2))
        #expect(result.submitted == 41)
        #expect(result.received == result.submitted)
        for job in 1...40 { #expect(result.startCounts[job] == 1, "job \(job)") }
        #expect(result.startCounts[0] == 2)
        let killed = try #require(result.killed)
        let survivor = try #require(result.survivor)
        #expect(result.longJobWorkers == [killed, survivor])
        let delay = try #require(result.rescueDelay)
        #expect(delay > .zero && delay <= result.lease * 2)
        #expect(result.verdict.outcome == .expected, "\(result.verdict)")
    }

    /// Ctrl-C in the middle of `threadlab demo cluster` stops the scratch server (which
    /// `pg_ctl` starts in a session of its own, out of the terminal's reach) and both
    /// workers, then ends the lab by SIGINT, as the shell expects.
    @Test func anInterruptStopsTheServerAndTheWorkers() throws {
        if databaseMissing() { return }
        // With THREADING_PG_URL the demo starts no server: only the workers are checked.
        let startsServer = ProcessInfo.processInfo.environment["THREADING_PG_URL"] == nil
        let lines = Queue<WorkerProcess.Line>()
        let demo = try startWithNoSignalBlocked {
            try WorkerProcess(
                index: 0, executable: Binary.path, arguments: ["demo", "cluster"], lines: lines)
        }
        defer { demo.stop(grace: Delay.settle) }
        let (port, workerPIDs) = try demoStarted(lines)
        if startsServer { try #require(port != nil, "the demo printed no server port") }
        try #require(workerPIDs.count == 2, "the demo printed no worker pids")
        demo.send(SIGINT)
        #expect(try demo.waitForExit(timeout: Delay.bound))
        #expect(demo.status == 128 + SIGINT)
        #expect(waitUntilEnded(workerPIDs, within: Delay.bound))
        if let port { #expect(!acceptsConnections(port: port), "the server still listens on \(port)") }
    }

    /// A demo killed outright (SIGKILL: no handler runs) still leaves no server behind: the
    /// scratch server's guard, a shell waiting for the demo's end, stops it.
    @Test func aKilledDemoLeavesNoServerBehind() throws {
        if databaseMissing() { return }
        guard ProcessInfo.processInfo.environment["THREADING_PG_URL"] == nil else { return }
        let lines = Queue<WorkerProcess.Line>()
        let demo = try WorkerProcess(
            index: 0, executable: Binary.path, arguments: ["demo", "cluster"], lines: lines)
        defer { demo.stop(grace: Delay.settle) }
        let (port, workerPIDs) = try demoStarted(lines)
        // The workers outlive the demo (they are its children, not its session's): ours to end.
        defer { for pid in workerPIDs { kill(pid, SIGKILL) } }
        let serverPort = try #require(port, "the demo printed no server port")
        let server = try #require(
            postmasterPID(port: serverPort), "no postgres process listens on \(serverPort)")
        // Should the guard fail, the test still stops the server (SIGQUIT: immediate shutdown).
        defer { if acceptsConnections(port: serverPort) { kill(server, SIGQUIT) } }
        demo.send(SIGKILL)
        #expect(try demo.waitForExit(timeout: Delay.bound))
        #expect(waitUntilEnded([server], within: Delay.bound), "the server (pid \(server)) outlived the demo")
        #expect(!acceptsConnections(port: serverPort), "the server still listens on \(serverPort)")
    }

    /// Reads the demo's lines until it has named its workers (they come as it starts its
    /// server and then its workers); returns the server's port (nil when it started none)
    /// and the workers' pids.
    func demoStarted(_ lines: Queue<WorkerProcess.Line>) throws -> (port: Int?, workers: [Int32]) {
        var port: Int?
        var workers: [Int32] = []
        while workers.isEmpty, let text = try lines.get(timeout: Delay.bound).text {
            if let found = text.firstMatch(of: /127\.0\.0\.1:(\d+)/) { port = Int(found.1) }
            if let found = text.firstMatch(of: /worker A is pid (\d+), worker B pid (\d+)/) {
                workers = [Int32(found.1), Int32(found.2)].compactMap { $0 }
            }
        }
        return (port, workers)
    }

    /// The pid of the postgres server started with `-p port`, from /proc.
    func postmasterPID(port: Int) -> Int32? {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name),
                let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline")
            else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let first = arguments.first, first.hasSuffix("/postgres") else { continue }
            if let flag = arguments.firstIndex(of: "-p"), flag + 1 < arguments.count,
                arguments[flag + 1] == "\(port)"
            {
                return pid
            }
        }
        return nil
    }

    /// Runs `start` on a thread of its own that blocks no signal, so the child it starts
    /// does not inherit the blocked signals of the thread the test runs on (a dispatch
    /// thread blocks almost all), as a child of a shell would not.
    func startWithNoSignalBlocked(_ start: @escaping @Sendable () throws -> WorkerProcess) throws
        -> WorkerProcess
    {
        let started = Unguarded<Result<WorkerProcess, any Error>?>(nil)
        let thread = OSThread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            started.value = Result { try start() }
        }
        try thread.start()
        try thread.join()  // orders the result before this read
        return try #require(started.value).get()
    }

    /// Whether something accepts a TCP connection on 127.0.0.1:`port` now.
    func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
