import Foundation
import Synchronization
import Threading

/// The lab's log: every line is `HH:mm:ss.SSS [thread] message`, the tutorial's
/// `logging` format with the thread's name, the same shape the package's
/// `ThreadLogHandler` prints.
///
/// Lines go to a sink (standard output by default) and are also kept, so tests can check
/// their order. One lock orders the lines, so two threads never interleave within a line.
public final class LabLog: Sendable {
    private let sink: @Sendable (String) -> Void
    private let kept = Mutex<[String]>([])

    /// A log writing each line to `sink`; `nil` keeps the lines only (quiet, for tests).
    public init(sink: (@Sendable (String) -> Void)? = LabLog.standardOutput) {
        self.sink = sink ?? { _ in }
    }

    /// Writes a line to standard output with one `write` call: unbuffered, so a pipe sees
    /// it at once and a process that ends abruptly loses no line already logged.
    public static let standardOutput: @Sendable (String) -> Void = { line in
        LabLog.writeLine(line, to: 1)
    }

    /// Writes `line` and a newline to file descriptor `fd`.
    public static func writeLine(_ line: String, to fd: Int32) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                write(fd, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Logs `message` with the time and the calling thread's name.
    public func callAsFunction(_ message: String) {
        emit("\(LabLog.timestamp()) [\(OSThread.current.name)] \(message)")
    }

    /// Writes `line` as it is (verdicts, tables).
    public func plain(_ line: String) {
        emit(line)
    }

    private func emit(_ line: String) {
        kept.withLock {
            $0.append(line)
            sink(line)
        }
    }

    /// Every line logged so far.
    public var lines: [String] { kept.withLock { $0 } }

    /// The wall-clock time of day, `HH:mm:ss.SSS`, local time.
    public static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        let millis = Int(spec.tv_nsec / 1_000_000)
        return String(
            format: "%02d:%02d:%02d.%03d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }
}
