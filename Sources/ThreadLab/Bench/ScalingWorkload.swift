/// A workload of `threadlab bench --scaling`: W1, W3 or W5 with k threads
/// (`docs/WORKLOADS.md`, "Scaling"). The size is the work in all, shared among the k
/// threads, so the figures along a curve count the same work.
package struct ScalingWorkload: Sendable {
    package var id: String
    package var name: String
    package var unit: String
    /// What k counts.
    package var threads: String
    package var fullN: Int
    package var quickN: Int
    /// Runs the workload once with size n and k.
    var measure: @Sendable (_ n: Int, _ k: Int) throws -> Workload.WorkloadSample

    /// The thread counts of a full curve.
    package static let defaultKs = [1, 2, 4, 8, 16, 64]

    /// W1, W3, W5, in order.
    package static let all: [ScalingWorkload] = [
        ScalingWorkload(
            id: "W1", name: "pool_tiny", unit: "tasks/s", threads: "workers", fullN: 100_000, quickN: 20_000,
            measure: { n, k in try Workloads.poolSubmit(n, workers: k) }),
        ScalingWorkload(
            id: "W3", name: "queue_mpmc", unit: "items/s", threads: "producers and k consumers",
            fullN: 1_000_000, quickN: 100_000,
            measure: { n, k in try Workloads.queue(n, producers: k, consumers: k) }),
        ScalingWorkload(
            id: "W5", name: "lock_contended", unit: "increments/s", threads: "threads", fullN: 1_000_000,
            quickN: 200_000, measure: { n, k in try Workloads.lockContended(total: n, threads: k) }),
    ]
}
