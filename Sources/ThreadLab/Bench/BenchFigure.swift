/// One implementation's figure for one workload.
public struct BenchFigure: Sendable, Codable, Equatable {
    /// `swift`, `python`, `java`.
    public var implementation: String
    public var id: String
    /// The size this side used.
    public var n: Int?
    /// The figure (median of the runs); `nil` when the workload did not run.
    public var value: Double?
    public var unit: String?
    /// Total wall time of the runs.
    public var seconds: Double?
    /// Whether every run's check held.
    public var ok: Bool?
    /// Why there is no figure, or details (T1, T2, P2 …).
    public var note: String?
    /// The part of the package the workload needs, when it is not built yet.
    public var requires: String?
}
