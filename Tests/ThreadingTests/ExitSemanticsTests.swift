import Foundation
import Testing

@testable import Threading

/// Python's exit semantics, run in a child process (`ThreadingExitProbe`): at the end of
/// main code the process waits for non-daemon threads and ends daemon threads.
@Suite(.timeLimit(.minutes(1)))
struct ExitSemanticsTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The probe sits next to the test bundle's executable in the build folder.
    static func probePath() throws -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let path = exe.deletingLastPathComponent().appendingPathComponent("ThreadingExitProbe").path
        try #require(FileManager.default.isExecutableFile(atPath: path), "no probe at \(path)")
        return path
    }

    static func runProbe(_ mode: String) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try probePath())
        process.arguments = [mode]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let exited = Event()
        process.terminationHandler = { _ in exited.set() }
        try process.run()
        if try !exited.wait(timeout: Delay.bound) {
            process.terminate()
            Issue.record("probe \(mode) did not exit within \(Delay.bound)")
            _ = try exited.wait(timeout: Delay.bound)
        }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Outcome(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    @Test func processWaitsForNonDaemonThreads() throws {
        let outcome = try Self.runProbe("nondaemon")
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.contains("worker started"))
        #expect(lines.contains("main done"))
        #expect(lines.last == "worker finished")
    }

    @Test func daemonThreadsEndWithTheProcess() throws {
        let outcome = try Self.runProbe("daemon")
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.contains("worker started"))
        #expect(lines.contains("main done"))
        #expect(!lines.contains("worker finished"))
    }

    @Test func uncaughtErrorGoesToTheDefaultExceptHook() throws {
        let outcome = try Self.runProbe("except")
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "Exception in thread Failing: probe failure\n")
        #expect(outcome.stdout == "main done\n")
    }

    /// The main thread's view, which only a child process can check (tests run on other
    /// threads): `current` is `main`, named "MainThread", listed first, not a daemon, so
    /// its threads are not daemons; joining itself throws.
    @Test func mainThreadFromTheMainThread() throws {
        let outcome = try Self.runProbe("main")
        #expect(outcome.status == 0)
        #expect(
            outcome.stdout == """
                current: MainThread daemon=false isMain=true
                first of all: MainThread
                nativeID is pid: true
                join: joinCurrentThread
                child inherits daemon=false

                """)
    }

    /// `ThreadLogHandler.bootstrap()` in a fresh process: installs once, ignores the
    /// second call (swift-log would trap on a second `LoggingSystem.bootstrap`), filters
    /// by level, and prints `HH:mm:ss.SSS [thread] message`.
    @Test func logHandlerBootstrapsOnce() throws {
        let outcome = try Self.runProbe("log")
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first == "bootstrap: true false")
        let time = /\d\d:\d\d:\d\d\.\d\d\d/
        #expect(
            lines.dropFirst().first?.wholeMatch(of: /\d\d:\d\d:\d\d\.\d\d\d \[MainThread\] from main k=v/)
                != nil)
        #expect(lines.last?.wholeMatch(of: /\d\d:\d\d:\d\d\.\d\d\d \[Worker\] from the worker/) != nil)
        #expect(lines.allSatisfy { $0.hasPrefix("bootstrap") || $0.prefixMatch(of: time) != nil })
    }
}
