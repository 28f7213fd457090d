import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// Builds traces by hand, so the pairing and drawing are checked without threads.
struct SyntheticTrace {
    var threads: [Trace.Thread] = []

    mutating func thread(_ name: String, id: Int64, _ records: [TraceRecord]) {
        threads.append(Trace.Thread(name: name, id: id, records: records))
    }

    func build(end: Int64) -> Trace { Trace(threads: threads, startTime: 0, endTime: end) }

    static func record(
        _ kind: TraceKind, _ time: Int64, start: Int64? = nil, object: UInt64 = 1, label: String? = nil,
        value: Int64 = 1, wait: TraceWaitKind = .other
    ) -> TraceRecord {
        TraceRecord(
            kind: kind, time: time, start: start ?? time, object: object, label: label, value: value,
            waitKind: wait)
    }

    /// `threads` lanes of `perThread` records each: lock waits, holds and releases, with
    /// queue waits and event signals between them.
    static func large(threads: Int, perThread: Int) -> Trace {
        var trace = SyntheticTrace()
        for thread in 0..<threads {
            var records: [TraceRecord] = [record(.threadStarted, 0)]
            var time: Int64 = Int64(thread) * 37
            while records.count < perThread - 1 {
                switch (records.count / 4) % 3 {
                case 0:
                    records.append(record(.lockWaitBegan, time, label: "big"))
                    records.append(record(.lockAcquired, time + 900, start: time, label: "big"))
                    records.append(record(.lockReleased, time + 1500, label: "big"))
                    records.append(record(.queuePut, time + 1600, object: 7, value: 3))
                case 1:
                    records.append(record(.waitBegan, time, object: 7, wait: .queueGet))
                    records.append(record(.waitEnded, time + 2000, start: time, object: 7, wait: .queueGet))
                    records.append(record(.queueGot, time + 2001, object: 7, value: 2))
                    records.append(record(.signaled, time + 2100, object: 9, wait: .event))
                default:
                    records.append(record(.futureStarted, time, object: UInt64(100 + thread)))
                    records.append(
                        record(.futureFinished, time + 1700, object: UInt64(100 + thread), value: 0))
                    records.append(record(.waitBegan, time + 1800, object: 9, wait: .event))
                    records.append(
                        record(.waitEnded, time + 2200, start: time + 1800, object: 9, wait: .event))
                }
                time += 2500
            }
            records.append(record(.threadEnded, time))
            trace.thread("worker-\(thread)", id: Int64(1000 + thread), records)
        }
        return trace.build(end: Int64(perThread / 4) * 2500 + 1000)
    }
}

/// Where Debian's `chromium` (or a `chromium-browser`) is installed, if it is.
let chromiumPath: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first
{
    FileManager.default.isExecutableFile(atPath: $0)
}

/// Renders `html` with headless Chromium into a PNG at `png`; returns the exit status.
func screenshot(_ html: String, to png: String, chromium: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1340,720",
        "--screenshot=\(png)", "file://\(html)",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let exited = Event()
    process.terminationHandler = { _ in exited.set() }
    try process.run()
    if try !exited.wait(timeout: .seconds(40)) {
        process.terminate()
        _ = try exited.wait(timeout: Delay.bound)
        Issue.record("chromium did not finish within 40 s")
    }
    return process.terminationStatus
}

extension DiagnosticsTests {
    @Suite struct TracingTimelineTests {
        typealias R = SyntheticTrace

        @Test func modelPairsLockWaitsHoldsAndHandOffs() {
            var synthetic = SyntheticTrace()
            synthetic.thread(
                "holder", id: 1,
                [
                    R.record(.lockAcquired, 10, label: "L"),
                    R.record(.lockReleased, 50, label: "L"),
                ])
            synthetic.thread(
                "waiter", id: 2,
                [
                    R.record(.lockWaitBegan, 20, label: "L"),
                    R.record(.lockAcquired, 55, start: 20, label: "L"),
                    R.record(.lockReleased, 60, label: "L"),
                    R.record(.lockWaitBegan, 70, object: 2, label: "M"),
                ])
            let model = TraceModel(synthetic.build(end: 100))
            #expect(model.lanes.map(\.name) == ["holder", "waiter"])
            let waiter = model.lanes[1]
            let wait = waiter.spans.filter { $0.category == .lockWait }
            #expect(wait.count == 2)
            #expect(wait.first { $0.satisfied }.map { ($0.start, $0.end) } ?? (0, 0) == (20, 55))
            // Still waiting for M when the trace ended.
            #expect(wait.first { !$0.satisfied }.map { ($0.start, $0.end) } ?? (0, 0) == (70, 100))
            #expect(
                waiter.spans.filter { $0.category == .lockHeld }.map { ($0.start, $0.end) }.first ?? (0, 0)
                    == (55, 60))
            // The holder's release handed the lock over to the waiter.
            #expect(model.arrows.count == 1)
            #expect(
                model.arrows.first.map { ($0.fromLane, $0.fromTime, $0.toLane, $0.toTime) } ?? (0, 0, 0, 0)
                    == (0, 50, 1, 55))
        }

        @Test func handOffIsAChromeFlowEvent() throws {
            var synthetic = SyntheticTrace()
            synthetic.thread(
                "holder", id: 1,
                [R.record(.lockAcquired, 10_000, label: "L"), R.record(.lockReleased, 50_000, label: "L")])
            synthetic.thread(
                "waiter", id: 2,
                [
                    R.record(.lockWaitBegan, 20_000, label: "L"),
                    R.record(.lockAcquired, 55_000, start: 20_000, label: "L"),
                    R.record(.lockReleased, 60_000, label: "L"),
                ])
            let path = temporaryTracePath(".json")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try synthetic.build(end: 100_000).writeChromeTrace(to: path)
            let parsed = try ParsedChromeTrace(path: path)
            #expect(parsed.events("s", on: "holder").map { $0["ts"] as? Double } == [50])
            #expect(parsed.events("f", on: "waiter").map { $0["ts"] as? Double } == [55])
            let waits = parsed.events("X", on: "waiter").filter { $0["cat"] as? String == "lock-wait" }
            #expect(waits.map { $0["dur"] as? Double } == [35])
        }

        @Test func mainThreadLaneComesFirst() {
            var synthetic = SyntheticTrace()
            synthetic.thread("early", id: 2, [R.record(.threadStarted, 1)])
            synthetic.thread("MainThread", id: 1, [R.record(.lockAcquired, 5)])
            #expect(TraceModel(synthetic.build(end: 10)).lanes.map(\.name) == ["MainThread", "early"])
        }

        @Test func modelDrawsTasksSubmissionsAndProcessWorkers() {
            var synthetic = SyntheticTrace()
            synthetic.thread(
                "main", id: 1,
                [
                    R.record(.futureSubmitted, 5, object: 42),
                    R.record(.processTaskDispatched, 6, object: 7, value: 4321),
                    R.record(.processTaskFinished, 30, object: 7, value: 4321),
                    R.record(.waitBegan, 31, object: 42, wait: .futureResult),
                    R.record(.waitEnded, 40, start: 31, object: 42, wait: .futureResult),
                ])
            synthetic.thread(
                "diag-pool-1", id: 2,
                [
                    R.record(.futureStarted, 10, object: 42),
                    R.record(.futureFinished, 35, object: 42, value: 0),
                ])
            let model = TraceModel(synthetic.build(end: 50))
            #expect(model.lanes.map(\.name) == ["main", "diag-pool-1", "worker process 4321"])
            #expect(
                model.lanes[1].spans.map { ($0.category, $0.start, $0.end) }.first ?? (.running, 0, 0) == (
                    .task, 10, 35
                ))
            #expect(model.lanes[2].spans.first.map { ($0.start, $0.end) } ?? (0, 0) == (6, 30))
            let arrows = Set(model.arrows.map { "\($0.fromLane)->\($0.toLane)" })
            // submit → start, dispatch → worker, worker → result, finished work → result waiter.
            #expect(arrows == ["0->1", "0->2", "2->0", "1->0"])
        }

        @Test func smallTimelineHasALanePerThreadAndALegend() throws {
            let lock = Lock(name: "pool lock")
            let tasks = StateLock([1, 2, 3, 4])
            let done = Counter()
            Tracing.start()
            // A pool of 2 running 4 tasks under one lock, made of two threads.
            let workers = try (1...2).map { index in
                try spawn(name: "diag-pool-\(index)") {
                    while let task = tasks.withLock({ $0.popLast() }) {
                        let marker = Lock(name: "task \(task)")
                        DiagnosticsHooks.futureStarted(marker)
                        lock.withLock { done.increment() }
                        DiagnosticsHooks.futureFinished(marker)
                    }
                }
            }
            try joinAll(workers)
            // Tracing records every thread of the process: other suites' threads could
            // push the timeline past its detail limit (it would then summarise lanes).
            let whole = Tracing.stop()
            let trace = Trace(
                threads: whole.threads.filter { $0.name.hasPrefix("diag-pool-") }, startTime: whole.startTime,
                endTime: whole.endTime)
            #expect(done.count == 4)
            let path = temporaryTracePath(".html")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try trace.writeTimeline(to: path)
            let html = try String(contentsOfFile: path, encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<title>swift-threading timeline</title>"))
            #expect(
                html.components(separatedBy: "<g class=\"lane\"").count - 1 == TraceModel(trace).lanes.count)
            #expect(html.contains("data-thread=\"diag-pool-1\""))
            #expect(html.contains("data-thread=\"diag-pool-2\""))
            for category in TraceModel.Category.allCases {
                #expect(html.contains(category.title), "legend lacks \(category.title)")
            }
            #expect(html.contains("hold lock &quot;pool lock&quot;"))
            // Self-contained: nothing fetched from elsewhere.
            #expect(!html.contains("<script"))
            #expect(
                !html.contains("http://")
                    || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains(
                        "http://")
            )
            #expect(!html.contains("https://"))
            #expect(!html.contains("@import"))
            let json = temporaryTracePath(".json")
            defer { try? FileManager.default.removeItem(atPath: json) }
            try trace.writeChromeTrace(to: json)
            let parsed = try ParsedChromeTrace(path: json)
            for name in ["diag-pool-1", "diag-pool-2"] {
                let runs = parsed.events("X", on: name).filter { $0["cat"] as? String == "task" }
                let holds = parsed.events("X", on: name).filter { $0["cat"] as? String == "lock" }
                #expect(runs.count == holds.count)
            }
            let allRuns = ["diag-pool-1", "diag-pool-2"].flatMap { parsed.events("X", on: $0) }.filter {
                $0["cat"] as? String == "task"
            }
            #expect(allRuns.count == 4)
        }

        @Test func largeTimelineIsAggregated() throws {
            let trace = SyntheticTrace.large(threads: 16, perThread: 10_000)
            #expect(trace.eventCount >= 16 * 9_990)
            let path = temporaryTracePath(".html")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let started = ContinuousClock.now
            try trace.writeTimeline(to: path)
            let elapsed = ContinuousClock.now - started
            let html = try String(contentsOfFile: path, encoding: .utf8)
            #expect(html.contains("aggregated"))
            #expect(html.components(separatedBy: "<g class=\"lane\"").count - 1 == 16)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size < 4_000_000, "timeline of \(size) bytes")
            #expect(elapsed < .seconds(20))
            #expect(html.contains("waiting for a lock"))
        }

        @Test(
            .enabled(
                if: chromiumPath != nil,
                "headless Chromium not found (/usr/bin/chromium): install Debian's chromium package to check the timeline renders"
            ))
        func timelineRendersInHeadlessChromium() throws {
            let chromium = try #require(chromiumPath)
            for (name, trace) in [
                ("small", try smallTrace()), ("large", SyntheticTrace.large(threads: 16, perThread: 10_000)),
            ] {
                // THREADING_TIMELINE_DIR=/some/dir keeps the pages and screenshots to look at.
                let keep = ProcessInfo.processInfo.environment["THREADING_TIMELINE_DIR"]
                let html = keep.map { "\($0)/timeline-\(name).html" } ?? temporaryTracePath("-\(name).html")
                let png = keep.map { "\($0)/timeline-\(name).png" } ?? temporaryTracePath("-\(name).png")
                defer {
                    if keep == nil {
                        try? FileManager.default.removeItem(atPath: html)
                        try? FileManager.default.removeItem(atPath: png)
                    }
                }
                try trace.writeTimeline(to: html)
                #expect(try screenshot(html, to: png, chromium: chromium) == 0)
                let data = try Data(contentsOf: URL(fileURLWithPath: png))
                #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
                // A blank page compresses to a few hundred bytes; lanes, text and colours do not.
                #expect(data.count > 10_000, "\(name) screenshot only \(data.count) bytes")
            }
        }

        /// A small run worth looking at: two pool threads take four tasks that each hold one
        /// lock for a while (so they wait for it and hand it over), and a consumer waits for
        /// an event the producer sets after its work. The sleeps stand for work; nothing
        /// asserted depends on them.
        func smallTrace() throws -> Trace {
            let lock = Lock(name: "pool lock")
            let tasks = StateLock([1, 2, 3, 4])
            let ready = Event()
            let consumerWaiting = Event()
            Tracing.start()
            let consumer = try spawn(name: "consumer") {
                consumerWaiting.set()
                _ = try ready.wait(timeout: Delay.bound)
                lock.withLock { _ = usleep(300) }
            }
            _ = try consumerWaiting.wait(timeout: Delay.bound)
            let pool = try (1...2).map { index in
                try spawn(name: "diag-pool-\(index)") {
                    while let task = tasks.withLock({ $0.popLast() }) {
                        let marker = Lock(name: "task \(task)")
                        DiagnosticsHooks.futureStarted(marker)
                        usleep(200)
                        lock.withLock { _ = usleep(800) }
                        DiagnosticsHooks.futureFinished(marker)
                    }
                }
            }
            try joinAll(pool)
            try onThread("producer") {
                usleep(500)
                ready.set()
            }
            try joinAll([consumer])
            return Tracing.stop()
        }
    }
}
