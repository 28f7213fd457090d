import Foundation

/// `threadlab bench --scaling`: W1, W3 and W5 at k threads for every k, on this package
/// and on the peers, so a reader sees how the cost grows past the cores.
package struct ScalingBench: Sendable {
    package var quick: Bool
    /// Multiplies every N (tests use a tiny scale).
    package var scale: Double
    package var peers: [String]
    package var ks: [Int]
    package var context: LabContext
    /// Rounds per point; default 3 for this package, for the peers 1 quick, 3 full.
    package var runs: Int?

    package init(
        quick: Bool, scale: Double = 1, peers: [String], ks: [Int] = ScalingWorkload.defaultKs,
        context: LabContext, runs: Int? = nil
    ) {
        self.quick = quick
        self.scale = scale
        self.peers = peers
        self.ks = ks
        self.context = context
        self.runs = runs
    }

    /// Runs every curve, reporting each step to `progress` (step, total steps, what).
    package func run(progress: (Int, Int, String) -> Void) -> ScalingReport {
        let workloads = ScalingWorkload.all
        let total = workloads.count * ks.count + peers.count
        var step = 0
        var curves = workloads.map { workload in
            ScalingReport.Curve(
                id: workload.id, name: workload.name, unit: workload.unit, threads: workload.threads,
                series: [])
        }
        for (index, workload) in workloads.enumerated() {
            var points: [ScalingReport.Point] = []
            for k in ks {
                step += 1
                progress(step, total, "\(workload.id) \(workload.name) at k = \(k) (swift)")
                points.append(ScalingReport.Point(k: k, figure: measure(workload, k: k)))
            }
            curves[index].series.append(ScalingReport.Series(implementation: "swift", points: points))
        }
        for peer in peers {
            step += 1
            progress(step, total, "\(peer): W1, W3, W5 at every k")
            let lines = runPeer(peer)
            for index in curves.indices {
                let id = curves[index].id
                let points = ks.map { k in
                    ScalingReport.Point(
                        k: k,
                        figure: lines.figure(peer, id, k)
                            ?? BenchFigure(implementation: peer, id: id, note: lines.failure ?? "n/a"))
                }
                curves[index].series.append(ScalingReport.Series(implementation: peer, points: points))
            }
        }
        return ScalingReport(
            machine: .current(), quick: quick, date: ISO8601DateFormatter().string(from: Date()), ks: ks,
            curves: curves)
    }

    func measure(_ workload: ScalingWorkload, k: Int) -> BenchFigure {
        let n = max(k, Int(Double(quick ? workload.quickN : workload.fullN) * scale))
        do {
            var samples: [Workload.WorkloadSample] = []
            for _ in 0..<max(1, runs ?? 3) { samples.append(try workload.measure(n, k)) }
            return .ours(samples, id: workload.id, n: n, unit: workload.unit)
        } catch {
            return BenchFigure(implementation: "swift", id: workload.id, note: "failed: \(error)")
        }
    }

    /// A peer's scaling lines, or why there are none.
    struct PeerLines {
        var figures: [PeerPrograms.Figure] = []
        var failure: String?

        func figure(_ peer: String, _ id: String, _ k: Int) -> BenchFigure? {
            figures.first { $0.id == id && $0.k == k }.map { line in
                BenchFigure(
                    implementation: peer, id: id, n: line.n, value: line.value, low: line.low,
                    high: line.high,
                    unit: line.unit, seconds: line.seconds, ok: line.ok, note: line.note)
            }
        }
    }

    /// Runs one peer program with `--scaling`.
    func runPeer(_ peer: String) -> PeerLines {
        guard let directory = PeerPrograms.directory(executable: context.executable) else {
            return PeerLines(failure: "bench/peers not found (set THREADLAB_PEERS)")
        }
        let runs = self.runs ?? (quick ? 1 : 3)
        let arguments =
            [
                "--scaling", "--ks", ks.map(String.init).joined(separator: ","), "--scale", String(scale),
                "--runs",
                String(runs),
            ] + (quick ? ["--quick"] : [])
        do {
            let (program, first) = try PeerPrograms.command(peer, in: directory)
            return PeerLines(
                figures: try PeerPrograms.run(
                    program, first + arguments, timeout: quick ? .seconds(300) : .seconds(1200)))
        } catch {
            return PeerLines(failure: "failed: \(error)")
        }
    }
}
