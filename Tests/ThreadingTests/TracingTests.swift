import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// A fresh temporary path for a trace file; removed by the caller.
func temporaryTracePath(_ suffix: String) -> String {
    NSTemporaryDirectory() + "threading-trace-\(UUID().uuidString)\(suffix)"
}

/// The Chrome trace at `path` parsed with Foundation: its events, and thread names by tid.
struct ParsedChromeTrace {
    var events: [[String: Any]]
    var threadNames: [Int: String]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        events = try #require(root["traceEvents"] as? [[String: Any]])
        threadNames = [:]
        for event in events where event["ph"] as? String == "M" && event["name"] as? String == "thread_name" {
            if let tid = event["tid"] as? Int, let args = event["args"] as? [String: Any],
                let name = args["name"] as? String
            {
                threadNames[tid] = name
            }
        }
    }

    func tid(of name: String) -> Int? { threadNames.first { $0.value == name }?.key }

    /// Events of phase `ph` on the thread named `thread`.
    func events(_ ph: String, on thread: String) -> [[String: Any]] {
        guard let tid = tid(of: thread) else { return [] }
        return events.filter { $0["ph"] as? String == ph && $0["tid"] as? Int == tid }
    }
}

extension DiagnosticsTests {
    @Suite struct TracingTests {
        /// Two threads, one after the other, each take one lock twice.
        func smallKnownRun() throws -> Trace {
            let lock = Lock(name: "shared")
            Tracing.start()
            for index in 1...2 {
                try onThread("tracer-\(index)") {
                    for _ in 0..<2 { lock.withLock {} }
                }
            }
            return Tracing.stop()
        }

        @Test func stopWithoutStartIsEmpty() {
            _ = Tracing.stop()
            #expect(Tracing.stop().eventCount == 0)
        }

        @Test func emptyTraceStillWritesValidFiles() throws {
            _ = Tracing.stop()
            let trace = Tracing.stop()
            let json = temporaryTracePath(".json")
            let html = temporaryTracePath(".html")
            defer {
                try? FileManager.default.removeItem(atPath: json)
                try? FileManager.default.removeItem(atPath: html)
            }
            try trace.writeChromeTrace(to: json)
            try trace.writeTimeline(to: html)
            #expect(try ParsedChromeTrace(path: json).threadNames.isEmpty)
            #expect(try String(contentsOfFile: html, encoding: .utf8).hasSuffix("</html>\n"))
        }

        @Test func nothingIsRecordedAfterStop() throws {
            let trace = try smallKnownRun()
            #expect(trace.eventCount > 0)
            let lock = Lock(name: "after")
            try onThread("late") { lock.withLock {} }
            #expect(Tracing.stop().eventCount == 0)
        }

        @Test func recordsEachThreadsLockOperations() throws {
            let trace = try smallKnownRun()
            for index in 1...2 {
                let thread = try #require(trace.threads.first { $0.name == "tracer-\(index)" })
                let kinds = thread.records.map(\.kind)
                #expect(kinds.first == .threadStarted)
                #expect(kinds.last == .threadEnded)
                #expect(kinds.filter { $0 == .lockAcquired }.count == 2)
                #expect(kinds.filter { $0 == .lockReleased }.count == 2)
                #expect(thread.records.allSatisfy { $0.time >= trace.startTime && $0.time <= trace.endTime })
                #expect(zip(thread.records, thread.records.dropFirst()).allSatisfy { $0.time <= $1.time })
            }
        }

        @Test func chromeTraceParsesWithTheExpectedEventsPerThread() throws {
            let trace = try smallKnownRun()
            let path = temporaryTracePath(".json")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try trace.writeChromeTrace(to: path)
            let parsed = try ParsedChromeTrace(path: path)
            for index in 1...2 {
                let name = "tracer-\(index)"
                #expect(parsed.tid(of: name) != nil, "no thread_name metadata for \(name)")
                let holds = parsed.events("X", on: name).filter { $0["cat"] as? String == "lock" }
                #expect(holds.count == 2)
                #expect(holds.allSatisfy { ($0["name"] as? String) == "hold lock \"shared\"" })
                #expect(
                    holds.allSatisfy { ($0["dur"] as? Double ?? -1) >= 0 && ($0["ts"] as? Double ?? -1) >= 0 }
                )
                let instants = parsed.events("i", on: name).compactMap { $0["name"] as? String }
                #expect(instants.contains("thread started"))
                #expect(instants.contains("thread ended"))
            }
        }

        @Test func timedOutLockWaitAndEventWaitAreSpans() throws {
            let lock = Lock(name: "busy")
            let event = Event()
            lock.acquire()
            Tracing.start()
            try onThread("diag-waiter") {
                let gotLock = try lock.acquire(timeout: Delay.short)
                let wasSet = try event.wait(timeout: Delay.short)
                #expect(!gotLock)
                #expect(!wasSet)
            }
            let trace = Tracing.stop()
            try lock.release()
            let path = temporaryTracePath(".json")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try trace.writeChromeTrace(to: path)
            let parsed = try ParsedChromeTrace(path: path)
            let spans = parsed.events("X", on: "diag-waiter")
            let lockWait = try #require(spans.first { $0["cat"] as? String == "lock-wait" })
            #expect((lockWait["dur"] as? Double ?? 0) >= 15_000)
            #expect((lockWait["args"] as? [String: Any])?["satisfied"] as? Bool == false)
            let eventWait = try #require(spans.first { $0["cat"] as? String == "signal-wait" })
            #expect((eventWait["dur"] as? Double ?? 0) >= 15_000)
        }

        @Test func semaphoreConditionAndBarrierWaitsAreSpans() throws {
            let semaphore = try Semaphore(0)
            let condition = Condition(Lock(name: "condition lock"))
            let barrier = try Barrier(parties: 2)
            Tracing.start()
            try onThread("diag-blocked") {
                let permit = try semaphore.acquire(timeout: Delay.short)
                let notified = try condition.withLock { try condition.wait(timeout: Delay.short) }
                #expect(!permit)
                #expect(!notified)
                #expect(throws: BrokenBarrierError.self) { _ = try barrier.wait(timeout: Delay.short) }
            }
            let trace = Tracing.stop()
            let thread = try #require(trace.threads.first { $0.name == "diag-blocked" })
            let ended = thread.records.filter { $0.kind == .waitEnded }
            #expect(ended.map(\.waitKind) == [.semaphore, .condition, .barrier])
            #expect(ended.allSatisfy { $0.value == 0 && $0.time - $0.start >= 15_000_000 })
            let model = TraceModel(trace)
            let lane = try #require(model.lanes.first { $0.name == "diag-blocked" })
            #expect(lane.spans.filter { $0.category == .signalWait }.count == 3)
        }

        @Test func queueItemsAndBlockingAreRecorded() throws {
            let queue = Queue<Int>(maxsize: 1)
            Tracing.start()
            try onThread("diag-queue") {
                try queue.put(1)
                #expect(throws: QueueError.full) { try queue.put(2, timeout: Delay.short) }
                #expect(try queue.get() == 1)
                #expect(throws: QueueError.empty) { _ = try queue.get(timeout: Delay.short) }
            }
            let trace = Tracing.stop()
            let thread = try #require(trace.threads.first { $0.name == "diag-queue" })
            let kinds = thread.records.map(\.kind).filter { $0 != .threadStarted && $0 != .threadEnded }
            #expect(kinds == [.queuePut, .waitBegan, .waitEnded, .queueGot, .waitBegan, .waitEnded])
            let waits = thread.records.filter { $0.kind == .waitEnded }
            #expect(waits.map(\.waitKind) == [.queuePut, .queueGet])
            #expect(waits.allSatisfy { $0.value == 0 })
            let lane = try #require(TraceModel(trace).lanes.first { $0.name == "diag-queue" })
            #expect(lane.spans.filter { $0.category == .queueWait }.count == 2)
        }

        /// The known run: a pool of 2 running 4 tasks under one lock. Tracing
        /// records every thread of the process, and other suites run meanwhile, so the
        /// checks look only at this test's threads. The first two tasks meet at a gate:
        /// without it, one worker could run all four before the second starts.
        @Test func poolOfTwoRunningFourTasksUnderOneLock() throws {
            let lock = Lock(name: "pool lock")
            let pool = try ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "diag-pool")
            let bothWorkers = Gate(parties: 2)
            Tracing.start()
            let futures = StateLock<[Future<Int>]>([])
            try onThread("diag-submitter") {
                for index in 0..<4 {
                    let future = try pool.submit {
                        bothWorkers.arriveAndWait()
                        return lock.withLock { index }
                    }
                    futures.withLock { $0.append(future) }
                }
            }
            let results = try futures.withLock { $0 }.map { try $0.result(timeout: Delay.bound) }
            pool.shutdown(wait: true)
            let trace = Tracing.stop()
            #expect(results == [0, 1, 2, 3])
            let path = temporaryTracePath(".json")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try trace.writeChromeTrace(to: path)
            let parsed = try ParsedChromeTrace(path: path)
            let workers = parsed.threadNames.values.filter { $0.hasPrefix("diag-pool") }.sorted()
            #expect(workers.count == 2, "worker lanes: \(workers)")
            var runs = 0
            for worker in workers {
                let spans = parsed.events("X", on: worker)
                let tasks = spans.filter { $0["cat"] as? String == "task" }
                let holds = spans.filter {
                    $0["cat"] as? String == "lock" && $0["name"] as? String == "hold lock \"pool lock\""
                }
                // Each task run holds the lock once, inside the run.
                #expect(tasks.count == holds.count)
                runs += tasks.count
            }
            #expect(runs == 4)
            // Every submission is an instant on the submitting thread.
            #expect(
                parsed.events("i", on: "diag-submitter").filter { $0["name"] as? String == "submit task" }
                    .count == 4)
        }

        @Test func namesAreEscapedInJSON() throws {
            let name = "quote\" back\\slash\nnewline\ttab \u{1} ünï 🔒"
            let lock = Lock(name: name)
            Tracing.start()
            try onThread("escaper \"1\"") { lock.withLock {} }
            let trace = Tracing.stop()
            let path = temporaryTracePath(".json")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try trace.writeChromeTrace(to: path)
            let parsed = try ParsedChromeTrace(path: path)
            let holds = parsed.events("X", on: "escaper \"1\"")
            #expect(holds.map { $0["name"] as? String } == ["hold lock \"\(name)\""])
        }

        @Test func writingToAnUnwritablePathThrows() throws {
            let trace = try smallKnownRun()
            let path = "/nonexistent-directory-\(UUID().uuidString)/trace.json"
            #expect(throws: ThreadingError.self) { try trace.writeChromeTrace(to: path) }
            #expect(throws: ThreadingError.self) { try trace.writeTimeline(to: path) }
            do {
                try trace.writeChromeTrace(to: path)
            } catch {
                #expect("\(error)".contains(path))
                #expect("\(error)".contains("No such file or directory"))
            }
        }

        @Test func recordingFromManyThreadsKeepsEveryRecord() throws {
            let lock = Lock(name: "counted")
            let threads = 4
            let rounds = Stress.size(20_000)
            Tracing.start()
            let workers = try (0..<threads).map { index in
                try spawn(name: "diag-busy-\(index)") {
                    for _ in 0..<rounds { lock.withLock {} }
                }
            }
            try joinAll(workers)
            let trace = Tracing.stop()
            for index in 0..<threads {
                let thread = try #require(trace.threads.first { $0.name == "diag-busy-\(index)" })
                #expect(thread.records.filter { $0.kind == .lockReleased }.count == rounds)
                // Past the buffer's first chunks, still in order.
                #expect(thread.records.count > 2 * TraceBuffer.chunkSize || Stress.underTSan)
                #expect(zip(thread.records, thread.records.dropFirst()).allSatisfy { $0.time <= $1.time })
            }
        }
    }
}
