import Threading

/// Tutorial 3.4: three `FakeDataStore.update` calls without a lock on a pool of 2 workers
/// end at 1 or 2, not 3: updates are lost.
package enum RaceScenario {
    package struct Result: Sendable {
        package var updates: Int
        package var finalValue: Int
        package var lost: Int { updates - finalValue }
        package var verdict: Verdict
    }

    /// Runs the three updates on two workers; the first two reads are gated to overlap, as
    /// they do in the tutorial's run.
    package static func run(_ context: LabContext, pause: Duration = .milliseconds(100)) throws -> Result {
        let store = FakeDataStore(pause: pause, log: context.log)
        let gate = FakeDataStore.ReadGate(parties: 2)
        context.log("Testing update. Starting value is \(store.value)")
        let names = ["First", "Second", "Third"]
        try withThreadPool(maxWorkers: 2, threadNamePrefix: "ThreadPoolExecutor-0") { executor in
            for name in names { _ = try executor.submit { store.update(name, gate: gate) } }
        }
        context.log("Testing update. Ending value is \(store.value)")
        let final = store.value
        let summary = "\(names.count) updates without a lock ended at \(final) — \(names.count - final) lost"
        return Result(
            updates: names.count, finalValue: final,
            verdict: Verdict(name: "race", summary: summary, matched: final < names.count))
    }
}
