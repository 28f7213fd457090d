import Foundation

/// Runs the workloads on this package and on the peers found on the machine.
package struct BenchRunner: Sendable {
    /// The peers `--peers` may name.
    package static let knownPeers = ["python", "java"]

    package var quick: Bool
    /// Multiplies every N (tests use a tiny scale).
    package var scale: Double
    package var peers: [String]
    package var context: LabContext
    /// Rounds per figure (`--rounds`); the median is reported with its spread (the
    /// smallest and largest). Default: 3 for this package (its quick sizes take
    /// milliseconds); for the peers 1 quick, 3 full.
    package var runs: Int?

    package init(quick: Bool, scale: Double = 1, peers: [String], context: LabContext, runs: Int? = nil) {
        self.quick = quick
        self.scale = scale
        self.peers = peers
        self.context = context
        self.runs = runs
    }

    /// Runs everything, reporting each step to `progress` (step, total steps, what).
    package func run(progress: (Int, Int, String) -> Void) -> BenchReport {
        let workloads = Workload.all
        let total = workloads.count + peers.count
        var step = 0
        var figures: [String: [BenchFigure]] = [:]
        let ownRuns = self.runs ?? 3
        let peerRuns = self.runs ?? (quick ? 1 : 3)
        for workload in workloads {
            step += 1
            progress(step, total, "\(workload.id) \(workload.name) (swift)")
            figures[workload.id, default: []].append(measure(workload, runs: ownRuns))
        }
        for peer in peers {
            step += 1
            progress(step, total, "\(peer): W1–W10")
            for figure in runPeer(peer, runs: peerRuns) { figures[figure.id, default: []].append(figure) }
        }
        let rows = workloads.map { workload in
            var row = BenchReport.Row(
                id: workload.id, name: workload.name, unit: workload.unit,
                higherIsBetter: workload.higherIsBetter,
                figures: (["swift"] + peers).map { name in
                    figures[workload.id]?.first { $0.implementation == name }
                        ?? BenchFigure(implementation: name, id: workload.id, note: "n/a")
                })
            for peer in peers { row.ratios[peer] = row.ratio(to: peer) }
            return row
        }
        let formatter = ISO8601DateFormatter()
        return BenchReport(
            machine: .current(), quick: quick, date: formatter.string(from: Date()),
            implementations: ["swift"] + peers, rows: rows)
    }

    func size(_ workload: Workload) -> Int {
        max(2, Int(Double(quick ? workload.quickN : workload.fullN) * scale))
    }

    func measure(_ workload: Workload, runs: Int) -> BenchFigure {
        if let requires = workload.requires {
            return BenchFigure(
                implementation: "swift", id: workload.id, note: "n/a (not built yet)", requires: requires)
        }
        let n = size(workload)
        do {
            var samples: [Workload.WorkloadSample] = []
            for _ in 0..<max(1, runs) { samples.append(try workload.measure(n, context)) }
            return .ours(samples, id: workload.id, n: n, unit: workload.unit)
        } catch {
            return BenchFigure(implementation: "swift", id: workload.id, note: "failed: \(error)")
        }
    }

    /// Runs one peer program; a missing tool or program gives figures saying so.
    func runPeer(_ peer: String, runs: Int) -> [BenchFigure] {
        func missing(_ why: String) -> [BenchFigure] {
            Workload.all.map { BenchFigure(implementation: peer, id: $0.id, note: why) }
        }
        guard let directory = PeerPrograms.directory(executable: context.executable) else {
            return missing("bench/peers not found (set THREADLAB_PEERS)")
        }
        var arguments = ["--scale", String(scale), "--runs", String(runs)]
        if quick { arguments.append("--quick") }
        do {
            let (program, first) = try PeerPrograms.command(peer, in: directory)
            let lines = try PeerPrograms.run(
                program, first + arguments, timeout: quick ? .seconds(120) : .seconds(900))
            return Workload.all.map { workload in
                guard let line = lines.first(where: { $0.id == workload.id }) else {
                    return BenchFigure(
                        implementation: peer, id: workload.id, note: "n/a (no \(peer) counterpart)")
                }
                return BenchFigure(
                    implementation: peer, id: line.id, n: line.n, value: line.value, low: line.low,
                    high: line.high, unit: line.unit, seconds: line.seconds, ok: line.ok, note: line.note)
            }
        } catch {
            return missing("failed: \(error)")
        }
    }
}
