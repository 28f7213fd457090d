import Threading

extension Workloads {
    /// W1: a pool of 2 workers; submit n tasks (task i returns i), collect every result.
    /// The same work through `map`, which Python users reach for first, runs in turn with
    /// it three times: the figure is submit + result's median, and the note gives map's
    /// median beside it (one pair alone swung from 0.6× to 1.1× on the shared VM).
    static func poolTiny(_ n: Int) throws -> Sample {
        var submitted: [Double] = []
        var mapped: [Double] = []
        var ok = true
        for _ in 0..<3 {
            let submit = try poolSubmit(n, workers: 2)
            let (results, mapElapsed) = try LabClock.measure {
                try withThreadPool(maxWorkers: 2) { pool in try pool.map(0..<n) { $0 } }
            }
            ok = ok && submit.ok && results.reduce(0, +) == n * (n - 1) / 2
            submitted.append(submit.seconds)
            mapped.append(LabClock.seconds(mapElapsed))
        }
        let seconds = submitted.sorted()[1]
        let mapSeconds = mapped.sorted()[1]
        let note =
            "map: \(BenchReport.format(Double(n) / mapSeconds)) tasks/s, "
            + String(format: "%.2f", seconds / mapSeconds) + "× submit + result (medians of 3 in turn)"
        return Sample(
            value: Double(n) / seconds, seconds: submitted.reduce(0, +) + mapped.reduce(0, +), ok: ok,
            note: note)
    }

    /// A pool of `workers` threads; submit n tasks (task i returns i), collect every
    /// result in order: W1's submit + result, and its scaling curve.
    static func poolSubmit(_ n: Int, workers: Int) throws -> Sample {
        let (total, elapsed) = try LabClock.measure {
            try withThreadPool(maxWorkers: workers) { pool in
                let futures = try (0..<n).map { i in try pool.submit { i } }
                return try futures.reduce(0) { $0 + (try $1.result()) }
            }
        }
        let seconds = LabClock.seconds(elapsed)
        return Sample(value: Double(n) / seconds, seconds: seconds, ok: total == n * (n - 1) / 2, note: nil)
    }
}
