import Threading

extension Workloads {
    /// W1: a pool of 2 workers; submit n tasks (task i returns i), collect every result;
    /// then the same through `map`.
    static func poolTiny(_ n: Int) throws -> Sample {
        let (total, elapsed) = try LabClock.measure {
            try withThreadPool(maxWorkers: 2) { pool in
                let futures = try (0..<n).map { i in try pool.submit { i } }
                return try futures.reduce(0) { $0 + (try $1.result()) }
            }
        }
        let seconds = LabClock.seconds(elapsed)
        // The same work through `map`, which Python users reach for first: its rate beside
        // submit + result's, in the note.
        let (mapped, mapElapsed) = try LabClock.measure {
            try withThreadPool(maxWorkers: 2) { pool in try pool.map(0..<n) { $0 } }
        }
        let mapSeconds = LabClock.seconds(mapElapsed)
        let ratio = seconds / mapSeconds
        let note =
            "map: \(BenchReport.format(Double(n) / mapSeconds)) tasks/s, "
            + String(format: "%.2f", ratio) + "× submit + result"
        return Sample(
            value: Double(n) / seconds, seconds: seconds + mapSeconds,
            ok: total == n * (n - 1) / 2 && mapped.reduce(0, +) == total, note: note)
    }
}
