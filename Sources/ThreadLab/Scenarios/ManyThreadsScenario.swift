import Threading

/// Tutorial 1.b.1, drawback 2: many threads mean many context switches. The same
/// lock-protected work split over more and more threads.
package enum ManyThreadsScenario {
    package static let threadCounts = [1, 2, 8, 64, 256]

    /// One thread count's run.
    package struct Run: Sendable {
        package var threads: Int
        package var total: Int
        package var elapsed: Duration
        /// Context switches the process made during the run.
        package var contextSwitches: Int
        package var incrementsPerSecond: Double
    }

    package struct Result: Sendable {
        package var work: Int
        package var runs: [Run]
        package var verdict: Verdict
    }

    /// `work` lock-protected increments in all, split evenly over each thread count.
    package static func run(_ context: LabContext, work: Int = 256 * 1_000) throws -> Result {
        var runs: [Run] = []
        for count in threadCounts {
            let lock = Lock(name: "shared")
            let counter = LockedCounter()
            let share = work / count
            let before = LabClock.contextSwitches()
            let (_, elapsed) = try LabClock.measure {
                let threads = (0..<count).map { index in
                    OSThread(name: "Worker-\(index)") {
                        for _ in 0..<share { lock.withLock { counter.value += 1 } }
                    }
                }
                for thread in threads { try thread.start() }
                for thread in threads { try thread.join() }
            }
            let switches = LabClock.contextSwitches() - before
            let total = lock.withLock { counter.value }
            let rate = Double(total) / max(LabClock.seconds(elapsed), 1e-9)
            context.log(
                "\(count) thread\(count == 1 ? "" : "s"): \(total) increments in \(LabClock.format(elapsed)) "
                    + "(\(LabClock.formatRate(rate, unit: "increments"))), \(switches) context switches")
            runs.append(
                Run(
                    threads: count, total: total, elapsed: elapsed, contextSwitches: switches,
                    incrementsPerSecond: rate))
        }
        let matched = runs.allSatisfy { $0.total == work / $0.threads * $0.threads }
        let figures = runs.map {
            "\($0.threads): \(LabClock.formatRate($0.incrementsPerSecond, unit: "inc")) / \($0.contextSwitches) cs"
        }
        let summary =
            "nothing lost at any count; throughput / context switches — " + figures.joined(separator: ", ")
        return Result(
            work: work, runs: runs, verdict: Verdict(name: "many-threads", summary: summary, matched: matched)
        )
    }
}
