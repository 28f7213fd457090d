/// One implementation's figure for one workload.
package struct BenchFigure: Sendable, Codable, Equatable {
    /// `swift`, `python`, `java`.
    package var implementation: String
    package var id: String
    /// The size this side used.
    package var n: Int?
    /// The figure (median of the runs); `nil` when the workload did not run.
    package var value: Double?
    /// The smallest and the largest figure over the runs: the spread, so noise reads as
    /// noise.
    package var low: Double?
    package var high: Double?
    package var unit: String?
    /// Total wall time of the runs.
    package var seconds: Double?
    /// Whether every run's check held.
    package var ok: Bool?
    /// Why there is no figure, or details (T1, T2, P2 …).
    package var note: String?
    /// The part of the package the workload needs, when it is not built yet.
    package var requires: String?
}

extension BenchFigure {
    /// This package's figure from its rounds: the median round's value and note, the
    /// smallest and largest value as the spread, the rounds' total time, and whether every
    /// round's check held.
    static func ours(
        _ samples: [Workload.WorkloadSample], id: String, n: Int, unit: String
    ) -> BenchFigure {
        let sorted = samples.sorted { $0.value < $1.value }
        let median = sorted[sorted.count / 2]
        return BenchFigure(
            implementation: "swift", id: id, n: n, value: median.value, low: sorted.first?.value,
            high: sorted.last?.value, unit: unit, seconds: samples.reduce(0) { $0 + $1.seconds },
            ok: samples.allSatisfy(\.ok), note: median.note)
    }
}
