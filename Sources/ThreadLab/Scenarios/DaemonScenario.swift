import Foundation
import Threading

/// Tutorial 3.2: two daemon threads print ranges; the program ends when its main code
/// ends and the daemons stop mid-way. With non-daemon threads the program waits for them.
///
/// Measured for real: `threadlab` runs itself as a child process
/// (`threadlab _daemon-child --daemon` / `--no-daemon`) and counts the numbers each printed.
package enum DaemonScenario {
    /// The ranges the two threads print (the tutorial's 20000 and 10000, scaled down).
    package static let ranges = [("First", 200), ("Second", 100)]
    /// Each printed number stands for this much work by default: enough that the daemon
    /// child's main code surely ends long before its threads would.
    package static let defaultPace = Duration.milliseconds(2)

    /// One child's run.
    package struct ChildRun: Sendable {
        package var daemon: Bool
        /// Numbers the child printed before it ended.
        package var printed: Int
        /// The child's exit status.
        package var status: Int32
    }

    package struct Result: Sendable {
        package var daemon: ChildRun
        package var nonDaemon: ChildRun
        /// How many numbers a child prints when nothing stops its threads.
        package var total: Int
        package var verdict: Verdict
    }

    package static var total: Int { ranges.reduce(0) { $0 + $1.1 } }

    /// Runs both children and compares.
    package static func run(_ context: LabContext, pace: Duration = defaultPace) throws -> Result {
        let daemon = try runChild(context, daemon: true, pace: pace)
        let nonDaemon = try runChild(context, daemon: false, pace: pace)
        let matched = daemon.printed < total && nonDaemon.printed == total && nonDaemon.status == 0
        let summary =
            "with daemon threads the child printed \(daemon.printed) of \(total) numbers and ended with main; "
            + "with non-daemon threads it printed \(nonDaemon.printed) of \(total) before exiting"
        return Result(
            daemon: daemon, nonDaemon: nonDaemon, total: total,
            verdict: Verdict(name: "daemon", summary: summary, matched: matched))
    }

    private static func runChild(_ context: LabContext, daemon: Bool, pace: Duration) throws -> ChildRun {
        let flag = daemon ? "--daemon" : "--no-daemon"
        context.log("Main-Thread: running `threadlab _daemon-child \(flag)`")
        let microseconds =
            pace.components.seconds * 1_000_000 + pace.components.attoseconds / 1_000_000_000_000
        let child = try ChildProcess.run(
            context.executable, ["_daemon-child", flag, "--pace-microseconds", String(microseconds)],
            timeout: .seconds(60))
        var printed = 0
        var shown = 0
        for line in child.standardOutput.split(separator: "\n") {
            if Int(line) != nil {
                printed += 1
            } else if shown < 8 {
                shown += 1
                context.log.plain("    child | \(line)")
            }
        }
        context.log("Main-Thread: the \(daemon ? "daemon" : "non-daemon") child printed \(printed) numbers")
        return ChildRun(daemon: daemon, printed: printed, status: child.status)
    }

    /// The child's side: start the two threads and let main's code end. Returns when main's
    /// part is done; the process then exits, waiting only for non-daemon threads.
    package static func child(daemon: Bool, pace: Duration = defaultPace) throws {
        let log = LabLog()
        log("Main-Thread: before creating thread")
        let started = ranges.map { _ in Event() }
        let threads = ranges.enumerated().map { index, range in
            OSThread(name: range.0, daemon: daemon) {
                log("Sub-Thread: \(range.0) starting")
                for i in 0..<range.1 {
                    LabLog.writeLine(String(i), to: 1)
                    started[index].set()
                    LabClock.sleep(pace)
                }
                log("Sub-Thread: \(range.0) finishing")
            }
        }
        log("Main-Thread: daemon: \(threads[0].isDaemon)")
        log("Main-Thread: before running thread")
        for thread in threads { try thread.start() }
        log("Main-Thread: wait for the thread to finish")
        // Both threads are surely under way before main ends (no join: that is the point).
        for event in started { _ = try event.wait(timeout: .seconds(5)) }
        log("Main-Thread: all threads are done")
    }
}
