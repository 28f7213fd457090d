// Tasks that meet the test across processes: they block, hold, touch or append to files the test watches.
import Glibc
import Multiprocessing

/// Writes its pid and a newline to the FIFO at `path` (so a test knows it started and
/// where), then sleeps; returns the pid.
struct BlockAndReport: ProcessTask {
    static var taskName: String { "probe.BlockAndReport" }
    var path: String
    var milliseconds: Int
    func run() -> Int32 {
        Self.report(to: path)
        // Simulated work, as in `SleepTask`.
        usleep(UInt32(milliseconds) * 1000)
        return getpid()
    }

    /// Writes this process's pid into the FIFO at `path`; blocks until the test opens
    /// its end, and does nothing when the FIFO is gone.
    static func report(to path: String) {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return }
        var line = "\(getpid())\n"
        line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
        close(fd)
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
    /// A FIFO to write the pid into after the append, as `BlockAndReport` does; a missing
    /// one is skipped.
    var reportPath: String? = nil
    func run() -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if fd >= 0 {
            var byte: UInt8 = 0x2A
            _ = write(fd, &byte, 1)
            close(fd)
        }
        if let reportPath { BlockAndReport.report(to: reportPath) }
        return index
    }
}
