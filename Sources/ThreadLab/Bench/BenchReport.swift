import Foundation

/// Everything one `threadlab bench` produced.
package struct BenchReport: Sendable, Codable {
    package var machine: MachineInfo
    package var quick: Bool
    package var date: String
    /// The implementations measured, `swift` first.
    package var implementations: [String]
    package var rows: [Row]

    /// One workload across implementations.
    package struct Row: Sendable, Codable {
        package var id: String
        package var name: String
        package var unit: String
        package var higherIsBetter: Bool
        package var figures: [BenchFigure]
        /// How far this package leads each peer, by peer name (in the JSON for
        /// convenience): see `ratio(to:)`.
        package var ratios: [String: Double] = [:]

        package func figure(_ implementation: String) -> BenchFigure? {
            figures.first { $0.implementation == implementation }
        }

        /// How far this package leads the peer, when both figures exist: above 1 this
        /// package is ahead, below 1 behind, whichever way the unit points (a rate is ours
        /// over theirs, a time per operation theirs over ours).
        package func ratio(to peer: String) -> Double? {
            guard let ours = figure("swift")?.value, let theirs = figure(peer)?.value, theirs > 0, ours > 0
            else { return nil }
            return higherIsBetter ? ours / theirs : theirs / ours
        }
    }

    /// The JSON form, every figure included.
    package func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// A compact figure: `12.3 M`, `45.6 k`, `17.2`, `0.98`.
    static func format(_ value: Double) -> String {
        switch abs(value) {
        case 1e9...: String(format: "%.2f G", value / 1e9)
        case 1e6...: String(format: "%.2f M", value / 1e6)
        case 1e4...: String(format: "%.1f k", value / 1e3)
        case 100...: String(format: "%.0f", value)
        case 10...: String(format: "%.1f", value)
        default: String(format: "%.2f", value)
        }
    }

    static func formatN(_ n: Int) -> String {
        switch n {
        case 1_000_000...: n % 1_000_000 == 0 ? "\(n / 1_000_000)M" : String(format: "%.1fM", Double(n) / 1e6)
        case 1_000...: n % 1_000 == 0 ? "\(n / 1_000)k" : String(format: "%.1fk", Double(n) / 1e3)
        default: "\(n)"
        }
    }

    /// How a cell of the table reads.
    static func cell(_ figure: BenchFigure?) -> String {
        guard let figure else { return "—" }
        guard let value = figure.value else { return figure.note ?? "n/a" }
        var text = format(value)
        if let low = figure.low, let high = figure.high, low != high {
            text += " [\(format(low))–\(format(high))]"
        }
        if let n = figure.n { text += " (N=\(formatN(n)))" }
        if figure.ok == false { text += " CHECK FAILED" }
        return text
    }

    /// The plain-text table.
    package func table() -> String {
        let peers = implementations.filter { $0 != "swift" }
        var header = ["id", "workload", "unit"] + implementations
        header += peers.map { "lead over \($0)" }
        var lines = [header]
        for row in rows {
            var line = [row.id, row.name, row.unit + (row.higherIsBetter ? " ↑" : " ↓")]
            line += implementations.map { BenchReport.cell(row.figure($0)) }
            line += peers.map { peer in row.ratio(to: peer).map { String(format: "%.2f", $0) } ?? "—" }
            lines.append(line)
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        let rendered = lines.map { line in
            line.enumerated().map { column, text in
                text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ")
        }
        var out = [
            "machine: \(machine.cores) cores, \(machine.cpuModel), \(machine.system)\(quick ? " — quick run" : "")",
            "",
        ]
        out.append(rendered[0])
        out.append(String(repeating: "─", count: rendered[0].count))
        out += rendered.dropFirst()
        out.append("")
        out.append(
            "↑ higher is better, ↓ lower is better; [low–high]: the spread over the rounds (--rounds);")
        out.append(
            "lead over a peer: above 1 this package is ahead (a rate ours÷theirs, a time theirs÷ours);")
        out.append(
            "N = the workload size each side used (CPython uses smaller N where the full one takes minutes).")
        let notes = rows.flatMap { row in
            row.figures.compactMap { figure in
                if let requires = figure.requires {
                    return "  \(row.id) \(figure.implementation): needs \(requires)"
                }
                return figure.value != nil
                    ? figure.note.map { "  \(row.id) \(figure.implementation): \($0)" } : nil
            }
        }
        if !notes.isEmpty { out += ["notes:"] + notes }
        return out.joined(separator: "\n")
    }
}
