extension Trace {
    /// Writes the trace as one self-contained HTML page (inline SVG and CSS; no scripts,
    /// fonts or network): a lane per thread (and per process-pool worker), coloured spans
    /// for running, running a task, waiting for a lock, waiting on a queue, waiting on an
    /// event/condition/semaphore/barrier, and waiting for a result or a thread; a thin
    /// bar under a lane while it holds a lock; markers for instants; arrows for hand-offs
    /// (a release or signal ending another thread's wait, a submit starting a task); a
    /// legend; and hover titles with the details.
    ///
    /// With more than `Timeline.detailLimit` things to draw, each lane is summarised per
    /// pixel column instead: the share of time in each state, stacked, with a hover title
    /// per run of similar columns (markers, lock holds and arrows are then left out).
    ///
    /// Throws `ThreadingError.invalidArgument` naming the path and the reason when the
    /// file cannot be created or written.
    public func writeTimeline(to path: String) throws {
        var file = try TraceFile(path: path)
        try Timeline(model: TraceModel(self)).write(to: &file)
        try file.flush()
    }
}

/// The drawing behind `Trace.writeTimeline(to:)`.
struct Timeline {
    let model: TraceModel

    /// Spans, markers and arrows drawn one by one up to this many; above it, aggregated.
    static let detailLimit = 4000
    static let arrowLimit = 1500

    static let labelWidth = 190.0
    static let plotWidth = 1100.0
    static let laneHeight = 22.0
    static let laneGap = 12.0
    static let top = 34.0
    static let heldBar = 3.0

    static func colour(_ category: TraceModel.Category) -> String {
        switch category {
        case .running: "#a8dba8"
        case .task: "#2e8b57"
        case .lockHeld: "#333333"
        case .lockWait: "#d9453d"
        case .queueWait: "#3b7dd8"
        case .signalWait: "#f0a830"
        case .otherWait: "#9b59b6"
        }
    }

    /// Drawn on top of each other in this order in detail; the first one a thread is in
    /// wins when aggregating.
    static let priority: [TraceModel.Category] = [
        .lockWait, .queueWait, .signalWait, .otherWait, .task, .running,
    ]

    var drawCount: Int {
        model.lanes.reduce(model.arrows.count) { $0 + $1.spans.count + $1.instants.count }
    }

    func x(_ time: Int64) -> Double {
        Self.labelWidth + Double(time - model.start) / Double(model.end - model.start) * Self.plotWidth
    }

    func laneY(_ index: Int) -> Double { Self.top + Double(index) * (Self.laneHeight + Self.laneGap) }

    static func number(_ value: Double) -> String { TraceText.rounded(max(0, value)) }

    func relative(_ time: Int64) -> String { TraceText.duration(time - model.start) }

    func write(to file: inout TraceFile) throws {
        let aggregated = drawCount > Self.detailLimit
        let width = Self.labelWidth + Self.plotWidth + 20
        let height = laneY(model.lanes.count) + 10
        try file.write(
            """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>swift-threading timeline</title>
            <style>
            body { font: 13px sans-serif; margin: 16px; color: #222; background: #fff; }
            h1 { font-size: 18px; margin: 0 0 4px 0; }
            p.summary { margin: 0 0 10px 0; color: #555; }
            svg text { font: 12px sans-serif; fill: #222; }
            svg text.axis { font-size: 10px; fill: #666; }
            .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 0 0 12px 0; }
            .legend span { display: inline-flex; align-items: center; gap: 5px; }
            .legend i { display: inline-block; width: 22px; height: 12px; border: 1px solid #0003; }
            rect:hover, path.handoff:hover { stroke: #000; stroke-width: 1; }
            </style></head><body>
            <h1>swift-threading timeline</h1>

            """)
        let mode =
            aggregated
            ? "aggregated: \(drawCount) items summarised per pixel column (hover a column run for shares)"
            : "every span, marker and hand-off drawn (hover for details)"
        try file.write(
            "<p class=\"summary\">\(model.lanes.count) lanes, \(model.recordCount) records, "
                + "\(TraceText.duration(model.end - model.start)) — \(TraceText.html(mode))</p>\n")
        try writeLegend(to: &file, aggregated: aggregated)
        try file.write(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
                + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\">\n"
                + "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" "
                + "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>\n"
        )
        try writeAxis(to: &file, height: height)
        for (index, lane) in model.lanes.enumerated() {
            try file.write(
                "<g class=\"lane\" data-thread=\"\(TraceText.html(lane.name))\">\n"
                    + "<title>\(TraceText.html(lane.name)) (\(lane.id < 0 ? "pid \(-lane.id)" : "tid \(lane.id)")): "
                    + "\(lane.spans.count) spans, \(lane.instants.count) markers</title>\n"
                    + "<text x=\"6\" y=\"\(Self.number(laneY(index) + Self.laneHeight / 2 + 4))\">"
                    + "\(TraceText.html(String(lane.name.prefix(26))))</text>\n"
                    + "<rect x=\"\(Self.number(Self.labelWidth))\" y=\"\(Self.number(laneY(index)))\" "
                    + "width=\"\(Self.number(Self.plotWidth))\" height=\"\(Self.number(Self.laneHeight))\" fill=\"#f3f3f3\"/>\n"
            )
            if aggregated {
                try writeAggregated(lane, index, to: &file)
            } else {
                try writeDetailed(lane, index, to: &file)
            }
            try file.write("</g>\n")
        }
        if !aggregated { try writeArrows(to: &file) }
        try file.write("</svg>\n</body></html>\n")
    }

    private func writeLegend(to file: inout TraceFile, aggregated: Bool) throws {
        try file.write("<div class=\"legend\">")
        for category in Self.priority.reversed() {
            try file.write(
                "<span><i style=\"background:\(Self.colour(category))\"></i>\(TraceText.html(category.title))</span>"
            )
        }
        if !aggregated {
            try file.write(
                "<span><i style=\"background:#333;height:3px\"></i>holding a lock</span>"
                    + "<span><i style=\"background:repeating-linear-gradient(45deg,#fff0 0 3px,#0005 3px 5px)\"></i>"
                    + "timed out or still waiting at the end</span>"
                    + "<span><svg width=\"10\" height=\"12\"><path d=\"M5,1 L9,9 L1,9 z\" fill=\"#222\"/></svg>"
                    + "event (start/end, signal, put/get, submit)</span>"
                    + "<span><svg width=\"26\" height=\"12\"><path d=\"M1,6 L24,6\" stroke=\"#444\" marker-end=\"url(#arrow)\"/></svg>"
                    + "hand-off</span>")
        }
        try file.write("</div>\n")
    }

    private func writeAxis(to file: inout TraceFile, height: Double) throws {
        let total = model.end - model.start
        var step: Int64 = 1
        while total / step > 10 {
            let next: [Int64] = [step * 2, step * 5, step * 10]
            step = next.first { total / $0 <= 10 } ?? step * 10
        }
        var tick: Int64 = 0
        while tick <= total {
            let at = Self.number(x(model.start + tick))
            try file.write(
                "<line x1=\"\(at)\" x2=\"\(at)\" y1=\"\(Self.number(Self.top - 6))\" y2=\"\(Self.number(height - 10))\" "
                    + "stroke=\"#ddd\"/><text class=\"axis\" x=\"\(at)\" y=\"\(Self.number(Self.top - 10))\" text-anchor=\"middle\">"
                    + "\(TraceText.html(tick == 0 ? "0" : TraceText.duration(tick)))</text>\n")
            tick += step
        }
    }

    private func writeDetailed(_ lane: TraceModel.Lane, _ index: Int, to file: inout TraceFile) throws {
        let y = laneY(index)
        let alive = (x(lane.alive.start), x(lane.alive.end))
        try file.write(
            "<rect x=\"\(Self.number(alive.0))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(0.5, alive.1 - alive.0)))\" "
                + "height=\"\(Self.number(Self.laneHeight))\" fill=\"\(Self.colour(.running))\"><title>"
                + "\(TraceText.html(lane.name)): alive \(relative(lane.alive.start)) – \(relative(lane.alive.end))</title></rect>\n"
        )
        for category in Self.priority.reversed() where category != .running {
            for span in lane.spans where span.category == category {
                try writeSpan(span, lane: lane, y: y, height: Self.laneHeight, to: &file)
            }
        }
        for span in lane.spans where span.category == .lockHeld {
            try writeSpan(span, lane: lane, y: y + Self.laneHeight + 1, height: Self.heldBar, to: &file)
        }
        for instant in lane.instants {
            let at = x(instant.time)
            try file.write(
                "<path d=\"M\(Self.number(at)),\(Self.number(y - 1)) l-3,-5 l6,0 z\" fill=\"#222\"><title>"
                    + "\(TraceText.html(lane.name)) at \(relative(instant.time)): \(TraceText.html(instant.name))</title></path>\n"
            )
        }
    }

    private func writeSpan(
        _ span: TraceModel.Span, lane: TraceModel.Lane, y: Double, height: Double, to file: inout TraceFile
    ) throws {
        let left = x(span.start)
        let width = max(0.5, x(span.end) - left)
        let pattern = span.satisfied ? "" : " stroke=\"#000\" stroke-dasharray=\"3,2\" fill-opacity=\"0.55\""
        try file.write(
            "<rect x=\"\(Self.number(left))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
                + "height=\"\(Self.number(height))\" fill=\"\(Self.colour(span.category))\"\(pattern)><title>"
                + "\(TraceText.html(lane.name)): \(TraceText.html(span.name)), \(TraceText.duration(span.end - span.start)) "
                + "(\(relative(span.start)) – \(relative(span.end)))\(span.satisfied ? "" : ", timed out or unfinished")"
                + "</title></rect>\n")
    }

    private func writeArrows(to file: inout TraceFile) throws {
        for arrow in model.arrows.prefix(Self.arrowLimit) {
            let from = (x(arrow.fromTime), laneY(arrow.fromLane) + Self.laneHeight / 2)
            let to = (x(arrow.toTime), laneY(arrow.toLane) + Self.laneHeight / 2)
            try file.write(
                "<path class=\"handoff\" d=\"M\(Self.number(from.0)),\(Self.number(from.1)) L\(Self.number(to.0)),\(Self.number(to.1))\" "
                    + "stroke=\"#444\" stroke-opacity=\"0.7\" fill=\"none\" marker-end=\"url(#arrow)\"><title>"
                    + "\(TraceText.html(model.lanes[arrow.fromLane].name)) → \(TraceText.html(model.lanes[arrow.toLane].name)): "
                    + "\(TraceText.html(arrow.name)) (\(relative(arrow.fromTime)) → \(relative(arrow.toTime)))</title></path>\n"
            )
        }
        if model.arrows.count > Self.arrowLimit {
            try file.write(
                "<text x=\"\(Self.number(Self.labelWidth))\" y=\"14\">\(model.arrows.count - Self.arrowLimit) more hand-offs not drawn</text>\n"
            )
        }
    }

    // MARK: Aggregation

    /// Which state the lane is in between consecutive span boundaries: the first of
    /// `priority` with an open span, else running while alive.
    func exclusiveSegments(_ lane: TraceModel.Lane) -> [(
        start: Int64, end: Int64, category: TraceModel.Category
    )] {
        var boundaries: [(time: Int64, delta: Int, category: TraceModel.Category)] = []
        for span in lane.spans where span.category != .lockHeld {
            boundaries.append((span.start, 1, span.category))
            boundaries.append((span.end, -1, span.category))
        }
        boundaries.append((lane.alive.start, 1, .running))
        boundaries.append((lane.alive.end, -1, .running))
        boundaries.sort { ($0.time, $0.delta) < ($1.time, $1.delta) }
        var open = Array(repeating: 0, count: TraceModel.Category.allCases.count)
        var segments: [(start: Int64, end: Int64, category: TraceModel.Category)] = []
        var previous = model.start
        for boundary in boundaries {
            if boundary.time > previous, let category = Self.priority.first(where: { open[$0.rawValue] > 0 })
            {
                segments.append((previous, boundary.time, category))
            }
            previous = max(previous, boundary.time)
            open[boundary.category.rawValue] += boundary.delta
        }
        return segments
    }

    /// Pixels per column when aggregating.
    static let columnWidth = 2
    /// Columns per hover area when aggregating.
    static let hoverColumns = 10

    /// Per column, the share of time in each drawn state as stacked bands, one `<path>`
    /// per state (so the file stays small), and a transparent hover area every
    /// `hoverColumns` columns whose title gives the shares.
    private func writeAggregated(_ lane: TraceModel.Lane, _ index: Int, to file: inout TraceFile) throws {
        let columns = Int(Self.plotWidth) / Self.columnWidth
        let categories = TraceModel.Category.allCases.count
        var time = Array(repeating: 0.0, count: columns * categories)
        let span = Double(model.end - model.start) / Double(columns)
        var spanCount = Array(repeating: 0, count: columns)
        for segment in exclusiveSegments(lane) {
            var from = Double(segment.start - model.start)
            let to = Double(segment.end - model.start)
            while from < to {
                let column = min(columns - 1, max(0, Int(from / span)))
                let columnEnd = min(to, Double(column + 1) * span)
                time[column * categories + segment.category.rawValue] += max(0, columnEnd - from)
                if columnEnd <= from { break }
                from = columnEnd
            }
        }
        for item in lane.spans {
            spanCount[min(columns - 1, max(0, Int(Double(item.start - model.start) / span)))] += 1
        }
        let drawn = Self.priority.reversed().filter { $0 != .lockHeld }
        let y = laneY(index)
        let bottom = Int(y + Self.laneHeight)
        // Cumulative tops, in whole pixels, per column: band k spans tops[k-1]...tops[k].
        var lower = Array(repeating: bottom, count: columns)
        for category in drawn {
            var upper = lower
            var any = false
            for column in 0..<columns {
                let share = min(1, time[column * categories + category.rawValue] / span)
                let pixels = Int((share * Self.laneHeight).rounded())
                upper[column] = max(Int(y), lower[column] - pixels)
                if pixels > 0 { any = true }
            }
            if any {
                var d = "M\(Int(Self.labelWidth)),\(lower[0])"
                var at = lower[0]
                for column in 0..<columns where upper[column] != at {
                    d += "H\(Int(Self.labelWidth) + column * Self.columnWidth)V\(upper[column])"
                    at = upper[column]
                }
                d += "H\(Int(Self.labelWidth) + columns * Self.columnWidth)"
                for column in stride(from: columns - 1, through: 0, by: -1) where lower[column] != at {
                    d += "H\(Int(Self.labelWidth) + (column + 1) * Self.columnWidth)V\(lower[column])"
                    at = lower[column]
                }
                d += "H\(Int(Self.labelWidth))Z"
                try file.write("<path d=\"\(d)\" fill=\"\(Self.colour(category))\"/>\n")
            }
            lower = upper
        }
        for first in stride(from: 0, to: columns, by: Self.hoverColumns) {
            let last = min(columns, first + Self.hoverColumns) - 1
            var shares: [String] = []
            for category in drawn {
                let total = (first...last).reduce(0.0) { $0 + time[$1 * categories + category.rawValue] }
                let percent = Int((total / (span * Double(last - first + 1)) * 100).rounded())
                if percent > 0 { shares.append("\(category.title) \(percent)%") }
            }
            if shares.isEmpty { continue }
            let spans = spanCount[first...last].reduce(0, +)
            try file.write(
                "<rect x=\"\(Int(Self.labelWidth) + first * Self.columnWidth)\" y=\"\(Self.number(y))\" "
                    + "width=\"\((last - first + 1) * Self.columnWidth)\" height=\"\(Self.number(Self.laneHeight))\" "
                    + "fill=\"#fff\" fill-opacity=\"0\"><title>\(TraceText.html(lane.name)), "
                    + "\(relative(model.start + Int64(Double(first) * span))) – \(relative(model.start + Int64(Double(last + 1) * span))): "
                    + "\(TraceText.html(shares.joined(separator: ", "))) (\(spans) spans)</title></rect>\n")
        }
    }
}
