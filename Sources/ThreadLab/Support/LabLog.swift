import Foundation
import Logging
import Threading

/// The lab's log: every line is `HH:mm:ss.SSS [thread] message`, the tutorial's
/// `logging` format with the thread's name, printed by the package's swift-log handler
/// (`ThreadLogHandler`).
///
/// Lines are also kept, so tests can check their order; a quiet log only keeps them.
package final class LabLog: Sendable {
    private enum Output {
        /// Through swift-log and `ThreadLogHandler`.
        case console(Logger)
        case sink(@Sendable (String) -> Void)
        case quiet
    }

    private let output: Output
    private let kept = LockedState<[String]>([])

    /// A log printing through `ThreadLogHandler` (installed here if nothing else was), or,
    /// when `quiet`, one that only keeps its lines.
    package init(quiet: Bool = false) {
        if quiet {
            output = .quiet
        } else {
            // The lab's log lines and verdicts share standard output, in order.
            ThreadLogHandler.bootstrap(stream: .standardOutput)
            output = .console(Logger(label: "threadlab"))
        }
    }

    /// A log handing every formatted line to `sink`.
    package init(sink: @escaping @Sendable (String) -> Void) {
        output = .sink(sink)
    }

    /// Logs `message` with the time and the calling thread's name.
    package func callAsFunction(_ message: String) {
        let line = "\(LabLog.timestamp()) [\(OSThread.current.name)] \(message)"
        kept.withLock { lines in
            lines.append(line)
            switch output {
            // Inside the lock, so lines reach the terminal in the order they are kept.
            case .console(let logger): logger.info("\(message)")
            case .sink(let sink): sink(line)
            case .quiet: break
            }
        }
    }

    /// Writes `line` as it is (verdicts, tables).
    package func plain(_ line: String) {
        kept.withLock { lines in
            lines.append(line)
            switch output {
            case .console: LabLog.writeLine(line, to: 1)
            case .sink(let sink): sink(line)
            case .quiet: break
            }
        }
    }

    /// Every line logged so far.
    package var lines: [String] { kept.withLock { $0 } }

    /// Writes `line` and a newline to file descriptor `fd`.
    package static func writeLine(_ line: String, to fd: Int32) {
        // A log line that cannot be written (a closed descriptor) is dropped.
        _ = Array((line + "\n").utf8).withUnsafeBytes { writeAll(fd, $0) }
    }

    /// The wall-clock time of day, `HH:mm:ss.SSS`, local time.
    package static func timestamp() -> String {
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
