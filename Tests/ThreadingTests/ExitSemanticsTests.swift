import Foundation
import Testing
import ThreadingTestSupport

@testable import Threading

/// Python's exit semantics, run in a child process (`ThreadingExitProbe`): at the end of
/// main code the process waits for non-daemon threads and ends daemon threads.
@Suite(.hangGuard)
struct ExitSemanticsTests {
    @Test func processWaitsForNonDaemonThreads() throws {
        let outcome = try runExitProbe("nondaemon")
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.contains("worker started"))
        #expect(lines.contains("main done"))
        #expect(lines.last == "worker finished")
    }

    @Test func daemonThreadsEndWithTheProcess() throws {
        let outcome = try runExitProbe("daemon")
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.contains("worker started"))
        #expect(lines.contains("main done"))
        #expect(!lines.contains("worker finished"))
    }

    @Test func uncaughtErrorGoesToTheDefaultExceptHook() throws {
        let outcome = try runExitProbe("except")
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "Exception in thread Failing: ProbeError: probe failure\n")
        #expect(outcome.stdout == "main done\n")
    }

    /// The main thread's view, which only a child process can check (tests run on other
    /// threads): `current` is `main`, named "MainThread", listed first, not a daemon, so
    /// its threads are not daemons; joining itself throws.
    @Test func mainThreadFromTheMainThread() throws {
        let outcome = try runExitProbe("main")
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
    /// by level, and prints `HH:mm:ss.SSS [thread] message` to standard error (Python's
    /// default), leaving standard output to the program.
    @Test func logHandlerBootstrapsOnce() throws {
        let outcome = try runExitProbe("log")
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "bootstrap: true false\n")
        let lines = ["bootstrap: true false"] + outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let time = /\d\d:\d\d:\d\d\.\d\d\d/
        #expect(
            lines.dropFirst().first?.wholeMatch(of: /\d\d:\d\d:\d\d\.\d\d\d \[MainThread\] from main k=v/)
                != nil)
        #expect(lines.last?.wholeMatch(of: /\d\d:\d\d:\d\d\.\d\d\d \[Worker\] from the worker/) != nil)
        #expect(lines.allSatisfy { $0.hasPrefix("bootstrap") || $0.prefixMatch(of: time) != nil })
    }
}
