import Foundation
import Multiprocessing
import Threading

extension Workloads {
    /// W7: a process pool of 2 workers (started before timing); n tiny tasks x → x + 1
    /// through submit + result. The same tasks through `map(chunkSize: 1)` run in turn with
    /// it three times: the figure is submit + result's median, and the note gives map's
    /// beside it (most callers submit, so submit should keep up with map).
    static func processRoundTrip(_ n: Int, _ context: LabContext) throws -> Sample {
        let pool = try ProcessPoolExecutor(
            maxWorkers: 2, tasks: LabTasks.all, workerExecutable: context.executable)
        defer { pool.shutdown() }
        _ = try pool.map((0..<4).map(IncrementTask.init))
        let tasks = (0..<n).map(IncrementTask.init)
        let expected = n * (n + 1) / 2
        var submitted: [Double] = []
        var mapped: [Double] = []
        var ok = true
        for _ in 0..<3 {
            let (total, elapsed) = try LabClock.measure {
                let futures = try tasks.map { try pool.submit($0) }
                return try futures.reduce(0) { $0 + (try $1.result()) }
            }
            let (outputs, mapElapsed) = try LabClock.measure { try pool.map(tasks, chunkSize: 1) }
            ok = ok && total == expected && outputs.reduce(0, +) == expected
            submitted.append(LabClock.seconds(elapsed))
            mapped.append(LabClock.seconds(mapElapsed))
        }
        let seconds = submitted.sorted()[1]
        let mapSeconds = mapped.sorted()[1]
        let note =
            "pool started before timing; map(chunkSize: 1): \(BenchReport.format(Double(n) / mapSeconds)) tasks/s, "
            + "submit + result " + String(format: "%.2f", mapSeconds / seconds)
            + "× of it (medians of 3 in turn)"
        return Sample(
            value: Double(n) / seconds, seconds: submitted.reduce(0, +) + mapped.reduce(0, +), ok: ok,
            note: note)
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
