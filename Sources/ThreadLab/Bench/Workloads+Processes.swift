import Foundation
import Multiprocessing
import Threading

extension Workloads {
    /// W7: a process pool of 2 workers (started before timing); n tiny tasks x → x + 1.
    static func processRoundTrip(_ n: Int, _ context: LabContext) throws -> Sample {
        let pool = try ProcessPoolExecutor(
            maxWorkers: 2, tasks: LabTasks.all, workerExecutable: context.executable)
        defer { pool.shutdown() }
        _ = try pool.map((0..<4).map(IncrementTask.init))
        let (total, elapsed) = try LabClock.measure {
            let futures = try (0..<n).map { try pool.submit(IncrementTask($0)) }
            return try futures.reduce(0) { $0 + (try $1.result()) }
        }
        let seconds = LabClock.seconds(elapsed)
        return Sample(
            value: Double(n) / seconds, seconds: seconds, ok: total == n * (n + 1) / 2,
            note: "pool started before timing")
    }
}

extension GILScenario {
    /// Runs `cpu` on each range in a worker process of a started `ProcessPoolExecutor`.
    static func onProcessPool(_ context: LabContext, _ ranges: [(Int, Int)]) throws -> (Int, Duration) {
        let pool = try ProcessPoolExecutor(
            maxWorkers: ranges.count, tasks: LabTasks.all, workerExecutable: context.executable)
        defer { pool.shutdown() }
        _ = try pool.map((0..<ranges.count).map { CPUTask(from: $0, to: $0 + 1) })  // workers up
        return try LabClock.measure {
            try pool.map(ranges.map { CPUTask(from: $0.0, to: $0.1) }).reduce(0, &+)
        }
    }
}
