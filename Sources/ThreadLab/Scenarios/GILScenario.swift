import Foundation
import Threading

/// Tutorial 2: the GIL. The same CPU-bound job (W6) on 1 and 2 threads, (a) as Swift runs
/// it, (b) under a simulated global interpreter lock with CPython's switch interval,
/// (c) in 2 processes; an I/O-bound job under the GIL; and CPython's own threads when
/// `python3` is on the PATH.
package enum GILScenario {
    package struct Result: Sendable {
        /// The job's size: `cpu(0, n)`.
        package var n: Int
        package var oneThread: Duration
        package var twoThreads: Duration
        package var gilOneThread: Duration
        package var gilTwoThreads: Duration
        package var twoProcesses: Duration?
        /// The most threads ever inside the CPU part at once under the GIL.
        package var maxConcurrentHolders: Int
        package var gilStatistics: GlobalInterpreterLock.Statistics
        package var ioOneThread: Duration
        package var ioThreads: Int
        package var ioManyThreads: Duration
        /// Whether every sum was right.
        package var sumsCorrect: Bool
        /// CPython's T1/T2 on the same job, and the N it used.
        package var python: (speedup: Double, n: Int)?
        package var verdict: Verdict

        package var threadSpeedup: Double { ratio(oneThread, twoThreads) }
        package var gilSpeedup: Double { ratio(gilOneThread, gilTwoThreads) }
        package var processSpeedup: Double? { twoProcesses.map { ratio(oneThread, $0) } }
        package var ioSpeedup: Double { ratio(ioOneThread, ioManyThreads) }
    }

    static func ratio(_ a: Duration, _ b: Duration) -> Double {
        LabClock.seconds(a) / max(LabClock.seconds(b), 1e-9)
    }

    /// The N that makes one thread's run last about `target` on this build and machine.
    package static func calibrate(target: Duration) -> Int {
        let probe = 2_000_000
        let (sum, elapsed) = LabClock.measure { CPUJob.cpu(0, probe) }
        let perItem = max(LabClock.seconds(elapsed), 1e-6) / Double(probe)
        let n = Int(LabClock.seconds(target) / perItem)
        return max(100_000, min(n + (sum & 1), 200_000_000))
    }

    package static func run(_ context: LabContext, n fixedN: Int? = nil) throws -> Result {
        let log = context.log
        let n = fixedN ?? calibrate(target: .milliseconds(Int(400 * context.scale)))
        let half = n / 2
        var sumsCorrect = true
        func check(_ sum: Int, _ what: String) {
            if sum != CPUJob.expected(0, n) {
                sumsCorrect = false
                log("WRONG SUM for \(what): \(sum), expected \(CPUJob.expected(0, n))")
            }
        }
        log("CPU-bound job cpu(0, \(n)) = Σ (i·i) mod 7, split in halves for 2 workers")

        // (a) Swift threads, no GIL.
        let (one, t1) = try LabClock.measure { try onThreads([(0, n)]) { CPUJob.cpu($0, $1) } }
        check(one, "1 thread")
        log("no GIL, 1 thread:  \(LabClock.format(t1))")
        let (two, t2) = try LabClock.measure { try onThreads([(0, half), (half, n)]) { CPUJob.cpu($0, $1) } }
        check(two, "2 threads")
        log("no GIL, 2 threads: \(LabClock.format(t2))  → \(format(ratio(t1, t2)))")

        // (b) The simulated GIL.
        let gil = GlobalInterpreterLock(switchInterval: context.switchInterval)
        let running = SharedInt()
        let maxRunning = SharedInt()
        let (gilOne, g1) = try LabClock.measure {
            try onThreads([(0, n)]) { CPUJob.cpu($0, $1, gil: gil, running: running, maxRunning: maxRunning) }
        }
        check(gilOne, "1 thread under the GIL")
        log(
            "GIL (\(LabClock.format(context.switchInterval)) switch interval), 1 thread:  \(LabClock.format(g1))"
        )
        let (gilTwo, g2) = try LabClock.measure {
            try onThreads([(0, half), (half, n)]) {
                CPUJob.cpu($0, $1, gil: gil, running: running, maxRunning: maxRunning)
            }
        }
        check(gilTwo, "2 threads under the GIL")
        let statistics = gil.statistics
        let holders = maxRunning.value
        log(
            "GIL, 2 threads: \(LabClock.format(g2))  → \(format(ratio(g1, g2))); "
                + "\(statistics.forcedSwitches) hand-overs after \(statistics.dropRequests) drop requests; "
                + "at most \(holders) thread(s) in the CPU part at once")

        // (c) Two worker processes of a ProcessPoolExecutor (started before timing).
        var p2: Duration?
        do {
            let (sum, elapsed) = try onProcessPool(context, [(0, half), (half, n)])
            check(sum, "2 processes")
            p2 = elapsed
            log("2 processes: \(LabClock.format(elapsed))  → \(format(ratio(t1, elapsed)))")
        } catch {
            log("2 processes: could not run (\(error))")
        }

        // An I/O-bound job under the GIL: the GIL is released around each blocking call.
        let ioThreads = 4
        let io = ioJob(gil: gil)
        let (_, io1) = LabClock.measure { for _ in 0..<ioThreads { io() } }
        let (_, ioN) = try LabClock.measure {
            try onThreads(Array(repeating: (0, 0), count: ioThreads)) { _, _ in
                io()
                return 0
            }
        }
        log(
            "I/O-bound job under the GIL: \(ioThreads) jobs one after another \(LabClock.format(io1)), "
                + "on \(ioThreads) threads \(LabClock.format(ioN))  → \(format(ratio(io1, ioN)))")

        // CPython's own threads.
        var python: (Double, Int)?
        if context.runPeers, let interpreter = ChildProcess.which("python3"),
            let peers = PeerPrograms.directory(executable: context.executable)
        {
            let pythonN = max(200_000, min(4_000_000, Int(4_000_000 * context.scale)))
            do {
                let figures = try PeerPrograms.run(
                    interpreter, ["\(peers)/peer_python.py", "--only", "W10", "--n", String(pythonN)],
                    timeout: .seconds(60))
                if let figure = figures.first(where: { $0.id == "W10" }) {
                    python = (figure.value, figure.n)
                    log(
                        "CPython \(pythonVersion(interpreter)) threads, cpu(0, \(figure.n)): T1/T2 = \(format(figure.value))"
                    )
                }
            } catch {
                log("CPython: could not run (\(error))")
            }
        }

        var parts = [
            "cpu(0, \(n)) on 2 threads: \(format(ratio(t1, t2))) without a GIL",
            "\(format(ratio(g1, g2))) under the simulated GIL (max \(holders) thread in the CPU part, "
                + "\(statistics.forcedSwitches) forced switches)",
        ]
        if let p2 { parts.append("\(format(ratio(t1, p2))) with 2 processes") }
        parts.append("I/O-bound under the GIL \(format(ratio(io1, ioN))) on \(ioThreads) threads")
        if let python { parts.append("CPython threads \(format(python.0)) (N=\(python.1))") }
        let matched = sumsCorrect && holders == 1
        return Result(
            n: n, oneThread: t1, twoThreads: t2, gilOneThread: g1, gilTwoThreads: g2, twoProcesses: p2,
            maxConcurrentHolders: holders, gilStatistics: statistics, ioOneThread: io1, ioThreads: ioThreads,
            ioManyThreads: ioN, sumsCorrect: sumsCorrect, python: python,
            verdict: Verdict(name: "gil", summary: parts.joined(separator: "; "), matched: matched))
    }

    static func format(_ speedup: Double) -> String { String(format: "%.2f×", speedup) }

    /// Ten steps of a little Python work followed by a 10 ms blocking call.
    static func ioJob(gil: GlobalInterpreterLock) -> @Sendable () -> Void {
        {
            var holder = gil.acquire()
            for step in 0..<10 {
                _ = CPUJob.cpu(step, step + 1_000)
                gil.allowingThreads(&holder) { LabClock.sleep(.milliseconds(10)) }
            }
            gil.release(holder)
        }
    }

    /// Runs `job` on one thread per range and returns the sum of the results.
    static func onThreads(_ ranges: [(Int, Int)], _ job: @escaping @Sendable (Int, Int) -> Int) throws -> Int
    {
        let results = LockedState([Int](repeating: 0, count: ranges.count))
        let threads = ranges.enumerated().map { index, range in
            OSThread(name: "CPU-\(index)") {
                let value = job(range.0, range.1)
                results.withLock { $0[index] = value }
            }
        }
        for thread in threads { try thread.start() }
        for thread in threads { try thread.join() }
        return results.withLock { $0.reduce(0, &+) }
    }

    static func pythonVersion(_ interpreter: String) -> String {
        let run = try? ChildProcess.run(interpreter, ["-c", "import sys; print(sys.version.split()[0])"])
        return run?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    }
}
