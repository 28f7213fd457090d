// Tasks that fail: by throwing, by crashing or killing their worker, by writing garbage.
import Glibc
import Multiprocessing

struct ProbeError: Error, CustomStringConvertible {
    var message: String
    var description: String { "probe failure: \(message)" }
}

/// Throws `ProbeError`.
struct FailTask: ProcessTask {
    static var taskName: String { "probe.FailTask" }
    var message: String
    func run() throws -> Int { throw ProbeError(message: message) }
}

/// Ends its worker: "segv" (SIGSEGV), "abort" (SIGABRT), "fatal" (a Swift trap with the
/// message "probe boom"), "exit3" (exit code 3).
struct CrashTask: ProcessTask {
    static var taskName: String { "probe.CrashTask" }
    var how: String
    func run() -> Int {
        switch how {
        case "segv":
            // A real invalid access, not `raise`, so it is what a crash looks like.
            let address = UnsafeMutablePointer<Int>(bitPattern: 16)
            address?.pointee = 1
        case "abort": abort()
        case "fatal": fatalError("probe boom")
        default: exit(3)
        }
        return 0
    }
}

/// Sleeps `microseconds` (0: not at all), then ends its worker: "exit3" (exit code 3),
/// "sigkill" (`raise(SIGKILL)`), "segv" (an invalid write).
struct DieTask: ProcessTask {
    static var taskName: String { "probe.DieTask" }
    var microseconds: Int
    var how: String
    func run() -> Int {
        // Simulated work before the crash, as in `SleepTask`.
        if microseconds > 0 { usleep(UInt32(microseconds)) }
        switch how {
        case "sigkill": raise(SIGKILL)
        case "segv":
            let address = UnsafeMutablePointer<Int>(bitPattern: 16)
            address?.pointee = 1
        default: exit(3)
        }
        return 0
    }
}

/// Writes text (not a framed message) to the worker's channel, descriptor 3, then
/// sleeps, so the pool has killed the worker before it starts another task.
struct GarbageTask: ProcessTask {
    static var taskName: String { "probe.GarbageTask" }
    var text: String
    var thenSleepMilliseconds = 10_000
    func run() -> Int {
        var text = text
        text.withUTF8 { _ = write(3, $0.baseAddress, $0.count) }
        // Simulated work that keeps the task running while the test kills its worker.
        usleep(UInt32(thenSleepMilliseconds) * 1000)
        return 0
    }
}
