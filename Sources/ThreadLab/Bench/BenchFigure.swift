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
