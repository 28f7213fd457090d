import Synchronization
import Threading

/// Tutorial 3.3: `ThreadPoolExecutor(max_workers=3)` — `submit` + `result`, then `map`
/// inside a `with` block; each task sums 0..<10000.
package enum PoolScenario {
    /// One task's outcome.
    package struct TaskRun: Sendable, Equatable {
        package var name: String
        package var result: Int
        /// The worker thread that ran it.
        package var worker: String
    }

    package struct Result: Sendable {
        package var submitted: [TaskRun]
        package var mapped: [TaskRun]
        package var verdict: Verdict
    }

    package static let expectedSum = 49_995_000

    package static func run(_ context: LabContext) throws -> Result {
        let log = context.log
        @Sendable func task(_ name: String) -> TaskRun {
            log("Sub-Thread: \(name) starting")
            var result = 0
            for i in 0..<10_000 { result += i }
            log("Sub-Thread: \(name) finishing. result: \(result)")
            return TaskRun(name: name, result: result, worker: OSThread.current.name)
        }
        log("Main-Thread: before creating thread")
        log("Main-Thread: before running thread")
        // Method 1: submit, then result().
        let executor = try ThreadPoolExecutor(maxWorkers: 3, threadNamePrefix: "ThreadPoolExecutor-0")
        let task1 = try executor.submit { task("First") }
        let task2 = try executor.submit { task("Second") }
        let submitted = [try task1.result(), try task2.result()]
        for run in submitted { log("\(run.name): \(run.result)") }
        executor.shutdown()
        // Method 2: map inside a `with` block.
        let mapped = try withThreadPool(maxWorkers: 3, threadNamePrefix: "ThreadPoolExecutor-1") { executor in
            try executor.map(["First", "Second"]) { task($0) }
        }
        for run in mapped { log("map \(run.name): \(run.result)") }
        let all = submitted + mapped
        let matched =
            all.allSatisfy { $0.result == expectedSum } && mapped.map(\.name) == ["First", "Second"]
        let summary =
            "submit+result and map gave \(all.map { String($0.result) }.joined(separator: ", ")) (0..<10000 sums to "
            + "\(expectedSum)); run by " + all.map { "\($0.name)@\($0.worker)" }.joined(separator: ", ")
        return Result(
            submitted: submitted, mapped: mapped,
            verdict: Verdict(name: "pool", summary: summary, matched: matched))
    }
}
