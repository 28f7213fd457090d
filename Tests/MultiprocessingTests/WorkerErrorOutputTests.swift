import Testing
import ThreadingTestSupport

@testable import Multiprocessing

/// `WorkerErrorOutput` without threads or processes: what passes through, what is kept.
@Suite(.hangGuard)
struct WorkerErrorOutputTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func linesPassThroughUntilACrashReportStarts() {
        var output = WorkerErrorOutput()
        #expect(text(output.append(Array("a task's warning\nsecond".utf8))) == "a task's warning\n")
        #expect(text(output.append(Array(" line\n".utf8))) == "second line\n")
        let crash = "Sources/Probe.swift:87: Fatal error: probe boom\nCurrent stack trace:\n0 frame\n"
        #expect(output.append(Array(crash.utf8)).isEmpty)
        #expect(output.crashLine == "Sources/Probe.swift:87: Fatal error: probe boom")
        #expect(
            output.report == [
                "Sources/Probe.swift:87: Fatal error: probe boom", "Current stack trace:", "0 frame",
            ])
        #expect(output.finish().isEmpty)
    }

    @Test func anUnfinishedLastLineIsALine() {
        var output = WorkerErrorOutput()
        #expect(output.append(Array("no newline".utf8)).isEmpty)
        #expect(text(output.finish()) == "no newline\n")
        #expect(output.crashLine == nil)
    }

    @Test(arguments: [
        "*** Program crashed: Bad pointer dereference at 0x10 ***",
        "*** Signal 11: Backtracing from 0x5555... done ***",
        "ThreadSanitizer:DEADLYSIGNAL",
        "Current stack trace:",
    ])
    func everyKindOfReportIsRecognised(line: String) {
        var output = WorkerErrorOutput()
        #expect(output.append(Array((line + "\nmore\n").utf8)).isEmpty)
        #expect(output.crashLine == line)
    }

    @Test func theReportIsBounded() {
        var output = WorkerErrorOutput()
        _ = output.append(Array("Fatal error: x\n".utf8))
        for _ in 0..<(WorkerErrorOutput.reportLimit * 2) { _ = output.append(Array("frame\n".utf8)) }
        #expect(output.report.count == WorkerErrorOutput.reportLimit)
    }
}
