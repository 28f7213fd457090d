// The task types of the probe worker program (`ProcessWorkerProbe`) and the process-pool
// tests, one library both link, so both sides agree on the Codable types. The tests reach
// the fixtures with `@testable import`; what the probe's release-built bench uses is
// `package`. Each type names itself with an explicit `taskName`.
import Glibc
import Multiprocessing

/// The types the probe's workers know.
package let probeTasks: [any ProcessTask.Type] = [
    AddOne.self, SumSquaresMod7.self, SleepTask.self, FailTask.self, CrashTask.self, GarbageTask.self,
    BadOutputTask.self, UndecodableInWorker.self, UnencodableTask.self, UndecodableOutputTask.self,
    BlockAndReport.self, PidTask.self, EchoTask.self, DieTask.self, HoldTask.self, TouchTask.self,
    Square.self, AppendTask.self,
]

/// x → x + 1 (W7).
package struct AddOne: ProcessTask {
    package static var taskName: String { "probe.AddOne" }
    package var x: Int
    package init(x: Int) { self.x = x }
    package func run() -> Int { x + 1 }
}

/// Σ (i·i) mod 7 for i in [lower, upper) (W6).
package struct SumSquaresMod7: ProcessTask {
    package static var taskName: String { "probe.SumSquaresMod7" }
    package var lower: Int
    package var upper: Int
    package init(lower: Int, upper: Int) {
        self.lower = lower
        self.upper = upper
    }
    package func run() -> Int {
        var total = 0
        var i = lower
        while i < upper {
            total &+= (i &* i) % 7
            i += 1
        }
        return total
    }
}

/// Sleeps, then returns its worker's pid.
package struct SleepTask: ProcessTask {
    package static var taskName: String { "probe.SleepTask" }
    package var milliseconds: Int
    package init(milliseconds: Int) { self.milliseconds = milliseconds }
    package func run() -> Int32 {
        // The task's simulated work (a stand-in for a slow user task), not a wait for
        // anything: the pool's timeout and shutdown tests need a task that takes time.
        usleep(UInt32(milliseconds) * 1000)
        return getpid()
    }
}

/// Returns its text reversed (large messages cross the channel in many reads and writes).
struct EchoTask: ProcessTask {
    static var taskName: String { "probe.EchoTask" }
    var text: String
    func run() -> String { String(text.reversed()) }
}

/// Returns its worker's pid.
struct PidTask: ProcessTask {
    static var taskName: String { "probe.PidTask" }
    var tag: Int
    func run() -> Int32 { getpid() }
}

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

/// An output whose encoding throws (in the worker).
struct Unencodable: Codable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            0, .init(codingPath: [], debugDescription: "this output cannot be encoded"))
    }
}

struct BadOutputTask: ProcessTask {
    static var taskName: String { "probe.BadOutputTask" }
    var x: Int
    func run() -> Unencodable { Unencodable() }
}

/// Encodes fine in the pool; decoding it (in the worker) throws.
struct UndecodableInWorker: ProcessTask {
    static var taskName: String { "probe.UndecodableInWorker" }
    var x: Int
    init(x: Int) { self.x = x }
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "this task cannot be decoded"))
    }
    func run() -> Int { x }
}

/// Its encoding throws (in the pool, at `submit`).
struct UnencodableTask: ProcessTask {
    static var taskName: String { "probe.UnencodableTask" }
    var x: Int
    init(x: Int) { self.x = x }
    init(from decoder: any Decoder) throws { x = 0 }
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            x, .init(codingPath: [], debugDescription: "this task cannot be encoded"))
    }
    func run() -> Int { x }
}

/// An output that encodes in the worker but does not decode in the pool.
struct UndecodableOutput: Codable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "this output cannot be decoded"))
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(1)
    }
}

struct UndecodableOutputTask: ProcessTask {
    static var taskName: String { "probe.UndecodableOutputTask" }
    var x: Int
    func run() -> UndecodableOutput { UndecodableOutput() }
}

/// Writes its pid and a newline to the FIFO at `path` (so a test knows it started and
/// where), then sleeps; returns the pid.
struct BlockAndReport: ProcessTask {
    static var taskName: String { "probe.BlockAndReport" }
    var path: String
    var milliseconds: Int
    func run() -> Int32 {
        let fd = open(path, O_WRONLY)
        if fd >= 0 {
            var line = "\(getpid())\n"
            line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        // Simulated work, as in `SleepTask`.
        usleep(UInt32(milliseconds) * 1000)
        return getpid()
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

/// Writes its pid to the FIFO `reportPath` (so a test knows it started), then blocks
/// reading the FIFO `releasePath` until the test closes it; returns the pid.
struct HoldTask: ProcessTask {
    static var taskName: String { "probe.HoldTask" }
    var reportPath: String
    var releasePath: String
    func run() -> Int32 {
        let report = open(reportPath, O_WRONLY)
        if report >= 0 {
            var line = "\(getpid())\n"
            line.withUTF8 { _ = write(report, $0.baseAddress, $0.count) }
            close(report)
        }
        let release = open(releasePath, O_RDONLY)
        if release >= 0 {
            var byte: UInt8 = 0
            while read(release, &byte, 1) > 0 {}
            close(release)
        }
        return getpid()
    }
}

/// Creates the file `directory/index` (a side effect a test can look for); returns `index`.
struct TouchTask: ProcessTask {
    static var taskName: String { "probe.TouchTask" }
    var directory: String
    var index: Int
    func run() -> Int {
        let fd = open("\(directory)/\(index)", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if fd >= 0 { close(fd) }
        return index
    }
}

/// Appends one byte to `path` (so the file's size counts the runs), then returns `index`.
struct AppendTask: ProcessTask {
    static var taskName: String { "probe.AppendTask" }
    var path: String
    var index: Int
    func run() -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if fd >= 0 {
            var byte: UInt8 = 0x2A
            _ = write(fd, &byte, 1)
            close(fd)
        }
        return index
    }
}

/// x → x².
struct Square: ProcessTask {
    static var taskName: String { "probe.Square" }
    var x: Int
    func run() -> Int { x * x }
}
