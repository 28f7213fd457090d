import Threading

/// Tutorial 3.4, "deadlock": two threads take two locks in opposite order. The lock-order
/// checker reports the inversion from the order alone — before any thread hangs — and a
/// second, concurrent run that does deadlock is broken by a timed acquire.
package enum DeadlockScenario {
    package struct Result: Sendable {
        /// Every violation the checker reported.
        package var reports: [String]
        /// The lock names of the first cycle reported.
        package var cycle: [String]
        /// The places the locks were taken, `file:line`, as this scenario's code has them.
        package var sites: [String]
        /// Whether the concurrent run's timed acquire gave up (the deadlock happened and was broken).
        package var timedAcquireGaveUp: Bool
        package var verdict: Verdict
    }

    package static func run(_ context: LabContext, giveUpAfter: Duration = .milliseconds(300)) throws
        -> Result
    {
        let log = context.log
        let reports = LockedState<[LockOrderViolation]>([])
        let previousMode = LockOrderChecking.mode
        LockOrderChecking.reset()
        LockOrderChecking.mode = .report
        LockOrderChecking.setReportHandler { violation in
            reports.withLock { $0.append(violation) }
            for line in violation.description.split(separator: "\n") { log("checker: \(line)") }
        }
        defer {
            LockOrderChecking.mode = previousMode
            LockOrderChecking.reset()
        }
        let a = Lock(name: "A")
        let b = Lock(name: "B")

        // 1. One after the other: no deadlock can happen, yet the checker sees the order.
        let first = OSThread(name: "First") {
            log("First: taking A, then B")
            a.withLock { b.withLock { log("First: holding A and B") } }
        }
        try first.start()
        try first.join()
        let second = OSThread(name: "Second") {
            log("Second: taking B, then A")
            b.withLock { a.withLock { log("Second: holding B and A") } }
        }
        try second.start()
        try second.join()

        // 2. At the same time: each holds one lock and wants the other — a real deadlock,
        // broken by Second's timed acquire.
        log("Now both at once: First holds A and wants B, Second holds B and wants A")
        let bothHold = try Barrier(parties: 2)
        let gaveUp = SharedInt()
        let concurrentFirst = OSThread(name: "First") {
            a.withLock {
                _ = try? bothHold.wait(timeout: .seconds(5))
                b.withLock { log("First: got B at last") }
            }
        }
        let concurrentSecond = OSThread(name: "Second") {
            b.withLock {
                _ = try? bothHold.wait(timeout: .seconds(5))
                if (try? a.acquire(timeout: giveUpAfter)) == true {
                    try? a.release()
                } else {
                    gaveUp.store(1)
                    log(
                        "Second: gave up on A after \(LabClock.format(giveUpAfter)) — releasing B breaks the deadlock"
                    )
                }
            }
        }
        try concurrentFirst.start()
        try concurrentSecond.start()
        try concurrentFirst.join()
        try concurrentSecond.join()

        let found = reports.withLock { $0 }
        let cycle = found.first?.cycle ?? []
        let text = found.first?.description ?? ""
        let namesBoth = Set(cycle) == ["A", "B"]
        // The `withLock` calls above are the sites the report must name.
        let sites = acquisitionSites(in: text, file: #fileID)
        let sitesBoth = sites.count >= 2 && !text.contains("unknown place")
        let summary =
            found.isEmpty
            ? "the checker reported nothing"
            : "the checker reported the cycle \(cycle.joined(separator: " → ")) naming "
                + (sitesBoth ? "both acquisition sites (\(sites.joined(separator: ", ")))" : "not both sites")
                + "; the concurrent run deadlocked and "
                + (gaveUp.value == 1 ? "a timed acquire broke it" : "did not need breaking")
        return Result(
            reports: found.map(\.description), cycle: cycle, sites: sites,
            timedAcquireGaveUp: gaveUp.value == 1,
            verdict: Verdict(name: "deadlock", summary: summary, matched: namesBoth && sitesBoth))
    }

    /// The distinct `FILE:LINE` places of `file` a report mentions.
    static func acquisitionSites(in text: String, file: String) -> [String] {
        var found = Set<String>()
        var rest = Substring(text)
        while let range = rest.range(of: file + ":") {
            let digits = rest[range.upperBound...].prefix { $0.isNumber }
            if !digits.isEmpty { found.insert(file + ":" + digits) }
            rest = rest[range.upperBound...]
        }
        return found.sorted()
    }
}
