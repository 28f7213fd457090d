import Threading

/// Tutorial 1.b.1, the motivating example: one thread sums 1…1,000,000 while another
/// reports the running total, so the user sees progress before the sum is done.
package enum ResponsivenessScenario {
    package struct Result: Sendable {
        /// Progress reports delivered while the sum was still running.
        package var reportsWhileRunning: Int
        package var sum: Int
        package var elapsed: Duration
        package var verdict: Verdict
    }

    /// `chunkWork` paces each block of 1,000 additions, standing for the time an
    /// interpreter spends on them (CPython needs about 50 ms for the million).
    package static func run(
        _ context: LabContext, upTo limit: Int = 1_000_000, chunkWork: Duration = .microseconds(100),
        reportEvery: Duration = .milliseconds(10)
    ) throws -> Result {
        let log = context.log
        let running = SharedInt()
        let done = Event()
        let reports = SharedInt()
        let summer = OSThread(name: "Summer") {
            log("Summer: adding 1…\(limit)")
            var total = 0
            var i = 1
            while i <= limit {
                let chunkStart = ContinuousClock.now
                let end = min(limit, i + 999)
                while i <= end {
                    total += i
                    i += 1
                }
                running.store(total)
                // Busy, like an interpreter: CPU work, not a sleep.
                while ContinuousClock.now - chunkStart < chunkWork {}
            }
            log("Summer: done, total \(total)")
            done.set()
        }
        let reporter = OSThread(name: "Reporter") {
            // Wakes every `reportEvery` until the sum is done: the report interval is the
            // point of the demo, so this timed wait is what it shows, not a polling helper.
            while (try? done.wait(timeout: reportEvery)) == false {
                reports.add(1)
                log("Reporter: running total so far \(running.value)")
            }
        }
        let (_, elapsed) = try LabClock.measure {
            try summer.start()
            try reporter.start()
            try summer.join()
            try reporter.join()
        }
        let sum = running.value
        let delivered = reports.value
        let expected = limit * (limit + 1) / 2
        let summary =
            "\(delivered) progress reports reached the user while the sum of 1…\(limit) ran "
            + "(\(LabClock.format(elapsed))); total \(sum)"
        return Result(
            reportsWhileRunning: delivered, sum: sum, elapsed: elapsed,
            verdict: Verdict(
                name: "responsiveness", summary: summary, matched: delivered >= 1 && sum == expected))
    }
}
