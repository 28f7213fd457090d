/// The self-contained HTML report: a table and an inline-SVG bar chart per workload.
extension BenchReport {
    static let colors = ["swift": "#f05138", "python": "#3776ab", "java": "#5382a1"]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The page.
    package func html() -> String {
        var body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>threadlab bench</title>
            <style>
            body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin-bottom: 2em; }
            td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
            td:nth-child(-n+2), th { text-align: left; }
            .chart { display: inline-block; margin: 0 2em 2em 0; vertical-align: top; }
            .chart h3 { margin: 0 0 4px 0; font-size: 14px; }
            small { color: #666; }
            </style></head><body>
            <h1>threadlab bench</h1>
            <p>\(BenchReport.escape("\(machine.cores) cores, \(machine.cpuModel), \(machine.system)")) — \(BenchReport.escape(date))\(quick ? " — quick run" : "")</p>

            """
        body += "<table><tr><th>id</th><th>workload</th><th>unit</th>"
        body += implementations.map { "<th>\($0)</th>" }.joined()
        body += implementations.filter { $0 != "swift" }.map { "<th>lead over \($0)</th>" }.joined()
        body += "</tr>\n"
        for row in rows {
            body += "<tr><td>\(row.id)</td><td>\(row.name)</td><td>\(BenchReport.escape(row.unit))"
            body += row.higherIsBetter ? " ↑" : " ↓"
            body += "</td>"
            body += implementations.map { "<td>\(BenchReport.escape(BenchReport.cell(row.figure($0))))</td>" }
                .joined()
            body +=
                implementations.filter { $0 != "swift" }
                .map { "<td>\(row.ratio(to: $0).map { String(format: "%.2f", $0) } ?? "—")</td>" }.joined()
            body += "</tr>\n"
        }
        body += "</table>\n<p><small>↑ higher is better, ↓ lower is better; [low–high] and the whiskers: "
        body += "the spread over the rounds; lead over a peer: above 1 this package is ahead.</small></p>\n"
        for row in rows { body += chart(row) }
        body += "</body></html>\n"
        return body
    }

    /// One workload's bars, one per implementation with a figure.
    func chart(_ row: Row) -> String {
        let bars = implementations.compactMap { name in row.figure(name)?.value.map { (name, $0) } }
        let spreads = Dictionary(
            uniqueKeysWithValues: implementations.compactMap { name -> (String, (Double, Double))? in
                guard let figure = row.figure(name), let low = figure.low, let high = figure.high else {
                    return nil
                }
                return (name, (low, high))
            })
        let width = 420.0
        let label = 60.0
        let barHeight = 22.0
        let height = Double(max(bars.count, 1)) * (barHeight + 6) + 6
        var svg = "<div class=\"chart\"><h3>\(row.id) \(row.name) <small>(\(BenchReport.escape(row.unit))"
        svg += row.higherIsBetter ? ", higher is better" : ", lower is better"
        svg += ")</small></h3>"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">"
        if bars.isEmpty {
            let note = row.figure("swift")?.note ?? "n/a"
            svg += "<text x=\"4\" y=\"20\" font-size=\"12\" fill=\"#666\">\(BenchReport.escape(note))</text>"
        }
        let largest = bars.map { max($0.1, spreads[$0.0]?.1 ?? 0) }.max() ?? 1
        for (index, bar) in bars.enumerated() {
            let y = 6 + Double(index) * (barHeight + 6)
            let length = max(1, (width - label - 90) * bar.1 / max(largest, 1e-12))
            let color = BenchReport.colors[bar.0] ?? "#888"
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(bar.0)</text>"
            svg +=
                "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(length)\" height=\"\(barHeight)\" fill=\"\(color)\"/>"
            if let (low, high) = spreads[bar.0] {
                // The spread as a whisker across the bar's end.
                let scale = (width - label - 90) / max(largest, 1e-12)
                let (x1, x2, middle) = (label + low * scale, label + high * scale, y + barHeight / 2)
                svg += "<line x1=\"\(x1)\" y1=\"\(middle)\" x2=\"\(x2)\" y2=\"\(middle)\" stroke=\"#222\"/>"
            }
            svg +=
                "<text x=\"\(label + length + 4)\" y=\"\(y + 15)\" font-size=\"12\">\(BenchReport.format(bar.1))</text>"
        }
        svg += "</svg></div>\n"
        return svg
    }
}
