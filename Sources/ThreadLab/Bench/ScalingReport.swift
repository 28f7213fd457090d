import Foundation

/// What `threadlab bench --scaling` produced: a curve per workload, a series of points
/// per implementation.
package struct ScalingReport: Sendable, Codable {
    package var machine: MachineInfo
    package var quick: Bool
    package var date: String
    package var ks: [Int]
    package var curves: [Curve]

    /// One workload at every k.
    package struct Curve: Sendable, Codable {
        package var id: String
        package var name: String
        package var unit: String
        /// What k counts, e.g. `workers`.
        package var threads: String
        /// `swift` first, then the peers.
        package var series: [Series]

        package func series(_ implementation: String) -> Series? {
            series.first { $0.implementation == implementation }
        }
    }

    /// One implementation's figures along k.
    package struct Series: Sendable, Codable {
        package var implementation: String
        package var points: [Point]

        /// The point with the highest figure.
        package var best: Point? {
            points.compactMap { point in point.figure.value.map { (point, $0) } }.max { $0.1 < $1.1 }?.0
        }

        /// The figure at the largest k over the best figure: 1 when the most threads do
        /// best, 0.5 when they do half as well. `nil` without figures.
        package var retainedAtLargestK: Double? {
            guard let last = points.max(by: { $0.k < $1.k })?.figure.value, let best = best?.figure.value,
                best > 0
            else { return nil }
            return last / best
        }
    }

    /// One figure at one k.
    package struct Point: Sendable, Codable {
        package var k: Int
        package var figure: BenchFigure
    }

    /// Below this share of its best, the figure at the largest k counts as a collapse
    /// (`docs/WORKLOADS.md`: within 2× of the best k).
    package static let graceful = 0.5

    /// The JSON form, every figure included.
    package func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The plain-text tables, one per workload, each ending with how much of its best
    /// figure every implementation keeps at the largest k.
    package func table() -> String {
        var out = [
            "machine: \(machine.cores) cores, \(machine.cpuModel), \(machine.system)\(quick ? " — quick run" : "")"
        ]
        for curve in curves {
            let names = curve.series.map(\.implementation)
            let n = curve.series.first?.points.first?.figure.n.map(BenchReport.formatN) ?? "?"
            out += ["", "\(curve.id) \(curve.name) (\(curve.unit) ↑; k \(curve.threads); N=\(n) in all)"]
            var lines = [["k"] + names]
            for (index, k) in ks.enumerated() {
                lines.append(
                    ["\(k)"]
                        + curve.series.map { series in
                            index < series.points.count
                                ? ScalingReport.cell(series.points[index].figure) : "—"
                        })
            }
            let widths = lines[0].indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
            let rendered = lines.map { line in
                line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ")
            }
            out.append(rendered[0])
            out.append(String(repeating: "─", count: rendered[0].count))
            out += rendered.dropFirst()
            out.append(
                "at k = \(ks.max() ?? 0), share of the best k: "
                    + curve.series.map(ScalingReport.retained).joined(separator: "; "))
        }
        out.append("")
        out.append("[low–high]: the spread over the rounds; \"collapses\": below half of its best k.")
        let notes = curves.flatMap { curve in
            curve.series.flatMap { series in
                series.points.compactMap { point in
                    point.figure.value == nil
                        ? point.figure.note.map {
                            "  \(curve.id) \(series.implementation) k=\(point.k): \($0)"
                        } : nil
                }
            }
        }
        if !notes.isEmpty { out += ["notes:"] + Array(Set(notes)).sorted() }
        return out.joined(separator: "\n")
    }

    static func cell(_ figure: BenchFigure) -> String {
        guard let value = figure.value else { return "n/a" }
        var text = BenchReport.format(value)
        if let low = figure.low, let high = figure.high, low != high {
            text += " [\(BenchReport.format(low))–\(BenchReport.format(high))]"
        }
        if figure.ok == false { text += " CHECK FAILED" }
        return text
    }

    static func retained(_ series: Series) -> String {
        guard let share = series.retainedAtLargestK, let best = series.best else {
            return "\(series.implementation) —"
        }
        let verdict = share < graceful ? ", collapses" : ""
        return "\(series.implementation) \(String(format: "%.2f", share)) (best at k = \(best.k)\(verdict))"
    }
}
