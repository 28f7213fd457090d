import Threading

/// One workload of `docs/WORKLOADS.md`, as this package runs it.
package struct Workload: Sendable {
    /// `W1` … `W10`.
    package var id: String
    /// `pool_tiny`, `queue_spsc`, …
    package var name: String
    /// The figure's unit, e.g. `tasks/s`, `ns/pair`, `T1/T2`.
    package var unit: String
    /// Whether a larger figure is better (rates, speedups) or worse (times per operation).
    package var higherIsBetter: Bool
    /// N for a full run and for `--quick`.
    package var fullN: Int
    package var quickN: Int
    /// What is missing from the package for this workload, or `nil` when it can run.
    package var requires: String?
    /// Runs the workload once with size `n`.
    var measure: @Sendable (Int, LabContext) throws -> WorkloadSample

    /// One run's figure.
    package struct WorkloadSample: Sendable {
        package var value: Double
        /// Wall time the run took.
        package var seconds: Double
        /// Whether the run's check (its sum) held.
        package var ok: Bool
        package var note: String?
    }

    static func unavailable(
        _ id: String, _ name: String, unit: String, higherIsBetter: Bool, fullN: Int, quickN: Int,
        requires: String
    ) -> Workload {
        Workload(
            id: id, name: name, unit: unit, higherIsBetter: higherIsBetter, fullN: fullN, quickN: quickN,
            requires: requires
        ) { _, _ in WorkloadSample(value: 0, seconds: 0, ok: false, note: nil) }
    }

    /// W1–W10, in order.
    package static let all: [Workload] = [
        Workload(
            id: "W1", name: "pool_tiny", unit: "tasks/s", higherIsBetter: true, fullN: 100_000,
            quickN: 20_000,
            requires: nil, measure: { n, _ in try Workloads.poolTiny(n) }),
        Workload(
            id: "W2", name: "queue_spsc", unit: "items/s", higherIsBetter: true, fullN: 1_000_000,
            quickN: 100_000,
            requires: nil, measure: { n, _ in try Workloads.queue(n, producers: 1, consumers: 1) }),
        Workload(
            id: "W3", name: "queue_mpmc", unit: "items/s", higherIsBetter: true, fullN: 1_000_000,
            quickN: 100_000,
            requires: nil, measure: { n, _ in try Workloads.queue(n, producers: 2, consumers: 2) }),
        Workload(
            id: "W4", name: "lock_uncontended", unit: "ns/pair", higherIsBetter: false, fullN: 10_000_000,
            quickN: 2_000_000, requires: nil, measure: { n, _ in Workloads.lockUncontended(n) }),
        Workload(
            id: "W5", name: "lock_contended", unit: "increments/s", higherIsBetter: true, fullN: 1_000_000,
            quickN: 200_000, requires: nil, measure: { n, _ in try Workloads.lockContended(n) }),
        Workload(
            id: "W6", name: "cpu_speedup", unit: "T1/T2", higherIsBetter: true, fullN: 50_000_000,
            quickN: 20_000_000, requires: nil, measure: { n, context in try Workloads.cpuSpeedup(n, context) }
        ),
        Workload(
            id: "W7", name: "process_roundtrip", unit: "tasks/s", higherIsBetter: true, fullN: 10_000,
            quickN: 2_000,
            requires: nil, measure: { n, context in try Workloads.processRoundTrip(n, context) }),
        Workload(
            id: "W8", name: "event_pingpong", unit: "us/roundtrip", higherIsBetter: false, fullN: 100_000,
            quickN: 20_000, requires: nil, measure: { n, _ in try Workloads.eventPingPong(n) }),
        Workload(
            id: "W9", name: "thread_spawn", unit: "threads/s", higherIsBetter: true, fullN: 10_000,
            quickN: 2_000,
            requires: nil, measure: { n, _ in try Workloads.threadSpawn(n) }),
        Workload(
            id: "W10", name: "gil_sim", unit: "T1/T2", higherIsBetter: true, fullN: 50_000_000,
            quickN: 20_000_000,
            requires: nil, measure: { n, context in try Workloads.gilSim(n, context) }),
    ]
}
