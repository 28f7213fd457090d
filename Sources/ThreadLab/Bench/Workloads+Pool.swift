import Threading

extension Workloads {
    /// W1: a pool of 2 workers; submit n tasks (task i returns i), collect every result.
    static func poolTiny(_ n: Int) throws -> Sample {
        let (total, elapsed) = try LabClock.measure {
            try withThreadPool(maxWorkers: 2) { pool in
                let futures = try (0..<n).map { i in try pool.submit { i } }
                return try futures.reduce(0) { $0 + (try $1.result()) }
            }
        }
        let seconds = LabClock.seconds(elapsed)
        return Sample(value: Double(n) / seconds, seconds: seconds, ok: total == n * (n - 1) / 2, note: nil)
    }
}
