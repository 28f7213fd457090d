import Glibc
// A tiny program the tests run as a child process to check Python's exit semantics.
//
//   ThreadingExitProbe daemon      a daemon worker is still busy when main returns:
//                                  its "worker finished" must never be printed
//   ThreadingExitProbe nondaemon   the same with a non-daemon worker: the process waits
//                                  for it, so "worker finished" is printed
//   ThreadingExitProbe except      a worker throws: the default except hook prints
//                                  "Exception in thread NAME: TYPE: ERROR" and the process exits 0
//   ThreadingExitProbe main        what the main thread knows about itself (tests can
//                                  only run on other threads)
//   ThreadingExitProbe log         ThreadLogHandler.bootstrap() twice (the second call
//                                  is ignored), then log lines from main and a thread
import Logging
import Threading

struct ProbeError: Error, CustomStringConvertible {
    var description: String { "probe failure" }
}

/// Writes a line at once (one `write(2)`), so what reaches the pipe does not depend on
/// stdio buffering at exit.
func say(_ line: String) {
    var line = line + "\n"
    line.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
}

let mode = CommandLine.arguments.dropFirst().first ?? ""
if mode.hasPrefix("lock-order-") {
    try runLockOrderProbe(mode)
    exit(0)
}
switch mode {
case "daemon", "nondaemon":
    let started = Event()
    let mainDone = Event()
    let worker = OSThread(name: "Worker", daemon: mode == "daemon") {
        say("worker started")
        started.set()
        // Its last line comes after main's, however late main is scheduled.
        mainDone.wait()
        // Nothing sets this event: a bounded sleep that is not a poll. The daemon sleeps
        // longer, so a slow exit (ThreadSanitizer's end-of-process work takes hundreds of
        // milliseconds) cannot let it finish; the process ends long before either way.
        _ = try Event().wait(timeout: mode == "daemon" ? .seconds(5) : .milliseconds(300))
        say("worker finished")
    }
    try worker.start()
    started.wait()
    say("main done")
    mainDone.set()
case "except":
    let worker = OSThread(name: "Failing") { throw ProbeError() }
    try worker.start()
    try worker.join()
    say("main done")
case "main":
    let current = OSThread.current
    say("current: \(current.name) daemon=\(current.isDaemon) isMain=\(current === OSThread.main)")
    say("first of all: \(OSThread.all.first?.name ?? "none")")
    say("nativeID is pid: \(OSThread.main.nativeID == Int(getpid()))")
    do {
        try OSThread.main.join()
        say("join: returned")
    } catch ThreadingError.joinCurrentThread {
        say("join: joinCurrentThread")
    } catch {
        say("join: \(error)")
    }
    let child = OSThread {}
    say("child inherits daemon=\(child.isDaemon)")
case "log":
    let first = ThreadLogHandler.bootstrap()
    let second = ThreadLogHandler.bootstrap(logLevel: .trace)
    say("bootstrap: \(first) \(second)")
    let logger = Logger(label: "probe")
    logger.debug("hidden: below the default level")
    logger.info("from main", metadata: ["k": "v"])
    let worker = OSThread(name: "Worker") { Logger(label: "probe").warning("from the worker") }
    try worker.start()
    try worker.join()
default:
    say("usage: ThreadingExitProbe daemon|nondaemon|except|main|log")
    exit(2)
}
