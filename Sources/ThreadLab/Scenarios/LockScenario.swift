import Threading

/// Tutorial 3.4, fixed: the same three updates with `acquire`/`release` and with
/// `withLock` end at 3; then a high-contention run: N threads × M increments under one
/// lock, nothing lost.
package enum LockScenario {
    package struct Result: Sendable {
        package var acquireReleaseValue: Int
        package var withLockValue: Int
        package var threads: Int
        package var incrementsPerThread: Int
        package var contendedTotal: Int
        package var contendedTime: Duration
        package var verdict: Verdict
    }

    package static func run(
        _ context: LabContext, pause: Duration = .milliseconds(100), threads: Int = 4,
        incrementsPerThread: Int = 100_000
    ) throws -> Result {
        let names = ["First", "Second", "Third"]

        let first = FakeDataStore(pause: pause, log: context.log)
        context.log("Method 1 (acquire/release). Starting value is \(first.value)")
        try withThreadPool(maxWorkers: 2, threadNamePrefix: "ThreadPoolExecutor-1") { executor in
            for name in names { _ = try executor.submit { first.lockedUpdate(name) } }
        }
        context.log("Method 1. Ending value is \(first.value)")

        let second = FakeDataStore(pause: pause, log: context.log)
        context.log("Method 2 (withLock). Starting value is \(second.value)")
        try withThreadPool(maxWorkers: 2, threadNamePrefix: "ThreadPoolExecutor-2") { executor in
            for name in names { _ = try executor.submit { second.withLockUpdate(name) } }
        }
        context.log("Method 2. Ending value is \(second.value)")

        context.log("High contention: \(threads) threads × \(incrementsPerThread) increments under one lock")
        let lock = Lock(name: "counter")
        let counter = LockedCounter()
        let (_, elapsed) = try LabClock.measure {
            let workers = (0..<threads).map { index in
                OSThread(name: "Incrementer-\(index)") {
                    for _ in 0..<incrementsPerThread { lock.withLock { counter.value += 1 } }
                }
            }
            for worker in workers { try worker.start() }
            for worker in workers { try worker.join() }
        }
        let total = lock.withLock { counter.value }
        let expected = threads * incrementsPerThread
        let rate = Double(total) / max(LabClock.seconds(elapsed), 1e-9)
        context.log("Counter ended at \(total) (expected \(expected)) in \(LabClock.format(elapsed))")

        let matched = first.value == names.count && second.value == names.count && total == expected
        let summary =
            "with acquire/release the 3 updates ended at \(first.value), with withLock at \(second.value); "
            + "\(threads)×\(incrementsPerThread) locked increments reached \(total) of \(expected) "
            + "(\(LabClock.formatRate(rate, unit: "increments")))"
        return Result(
            acquireReleaseValue: first.value, withLockValue: second.value, threads: threads,
            incrementsPerThread: incrementsPerThread, contendedTotal: total, contendedTime: elapsed,
            verdict: Verdict(name: "lock", summary: summary, matched: matched))
    }
}

/// A plain counter shared only under a `Lock`.
final class LockedCounter: @unchecked Sendable {
    // Guarded by the lock the scenario holds around every access.
    var value = 0
}
