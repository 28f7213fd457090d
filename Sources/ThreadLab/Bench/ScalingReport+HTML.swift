import Foundation

/// The self-contained HTML page of `--scaling`: a line chart per workload, k on a
/// logarithmic axis, one curve per implementation with its spread as whiskers.
extension ScalingReport {
    package func html() -> String {
        var body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>threadlab bench --scaling</title>
            <style>
            body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
            .chart { display: inline-block; margin: 0 2em 2em 0; vertical-align: top; }
            .chart h3 { margin: 0 0 4px 0; font-size: 14px; }
            small { color: #666; }
            pre { font-size: 12px; }
            </style></head><body>
            <h1>threadlab bench --scaling</h1>
            <p>\(BenchReport.escape("\(machine.cores) cores, \(machine.cpuModel), \(machine.system)")) — \(BenchReport.escape(date))\(quick ? " — quick run" : "")</p>

            """
        for curve in curves { body += chart(curve) }
        body += "<pre>\(BenchReport.escape(table()))</pre>\n</body></html>\n"
        return body
    }

    /// One workload's curves.
    func chart(_ curve: Curve) -> String {
        let (width, height) = (460.0, 260.0)
        let (left, right, top, bottom) = (64.0, 90.0, 12.0, 36.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let largest =
            curve.series.flatMap { $0.points.compactMap { max($0.figure.value ?? 0, $0.figure.high ?? 0) } }
            .max()
            ?? 0
        let ceiling = largest > 0 ? largest * 1.1 : 1
        let logs = ks.map { log2(Double(max($0, 1))) }
        let (minLog, maxLog) = (logs.min() ?? 0, logs.max() ?? 1)
        func x(_ k: Int) -> Double {
            let span = maxLog - minLog
            return left + (span > 0 ? (log2(Double(max(k, 1))) - minLog) / span * plotWidth : plotWidth / 2)
        }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / ceiling) }
        var svg = "<div class=\"chart\"><h3>\(curve.id) \(curve.name) <small>("
        svg += BenchReport.escape("\(curve.unit), higher is better; k \(curve.threads)") + ")</small></h3>"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">"
        // Axes, k ticks, and the value scale at the top and the middle.
        svg +=
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>"
        svg +=
            "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>"
        for k in ks {
            svg +=
                "<text x=\"\(x(k))\" y=\"\(top + plotHeight + 16)\" font-size=\"11\" text-anchor=\"middle\">\(k)</text>"
        }
        svg +=
            "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 4)\" font-size=\"11\" text-anchor=\"middle\">k</text>"
        for fraction in [0.5, 1.0] {
            let value = ceiling / 1.1 * fraction
            svg += "<text x=\"\(left - 4)\" y=\"\(y(value) + 4)\" font-size=\"11\" text-anchor=\"end\">"
            svg += "\(BenchReport.format(value))</text>"
            svg +=
                "<line x1=\"\(left)\" y1=\"\(y(value))\" x2=\"\(left + plotWidth)\" y2=\"\(y(value))\" stroke=\"#eee\"/>"
        }
        for (index, series) in curve.series.enumerated() {
            let color = BenchReport.colors[series.implementation] ?? "#888"
            let points = series.points.compactMap { point in point.figure.value.map { (point, $0) } }
            if points.count > 1 {
                let path = points.map { "\(x($0.0.k)),\(y($0.1))" }.joined(separator: " ")
                svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            }
            for (point, value) in points {
                svg += "<circle cx=\"\(x(point.k))\" cy=\"\(y(value))\" r=\"3\" fill=\"\(color)\"/>"
                if let low = point.figure.low, let high = point.figure.high {
                    svg +=
                        "<line x1=\"\(x(point.k))\" y1=\"\(y(low))\" x2=\"\(x(point.k))\" y2=\"\(y(high))\" stroke=\"\(color)\"/>"
                }
            }
            let legendY = top + 14 + Double(index) * 16
            svg +=
                "<rect x=\"\(left + plotWidth + 10)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            svg +=
                "<text x=\"\(left + plotWidth + 24)\" y=\"\(legendY)\" font-size=\"12\">\(BenchReport.escape(series.implementation))</text>"
        }
        svg += "</svg></div>\n"
        return svg
    }
}
