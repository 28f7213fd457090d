import Glibc
import Logging
import Synchronization

/// A swift-log handler that prints `HH:mm:ss.SSS [thread name] message` to standard
/// error (or the stream you choose), like the tutorial's
/// `logging.basicConfig(format="%(asctime)s: %(message)s")` with the thread's name
/// (`OSThread.current.name`) added. Standard error is Python's `logging` default too, so a
/// program's own output on standard output stays clean.
///
/// The time is local, with milliseconds. Metadata, if any, follows the message as
/// `key=value` pairs. Each line is written with one `write(2)`, so lines from several
/// threads never interleave. Messages below `logLevel` are dropped (swift-log's `Logger`
/// checks the level before calling the handler).
///
/// Install it once, first thing in `main`: `ThreadLogHandler.bootstrap()`, or
/// `ThreadLogHandler.bootstrap(stream: .standardOutput)` to log to standard output.
/// Logging never blocks on other threads beyond the one `write(2)` (or the `stdout`
/// stream's lock, for `.standardOutput`).
public struct ThreadLogHandler: LogHandler {
    /// Where a handler writes its lines, Python's `StreamHandler(stream)`.
    public enum Stream: Sendable {
        /// File descriptor 2, one `write(2)` per line: Python's default.
        case standardError
        /// The C `stdout` stream that `print` uses, flushed after every line, so log lines
        /// and printed lines keep their order.
        case standardOutput
        /// Each finished line (with its newline) handed to a function of yours.
        case custom(@Sendable (String) -> Void)

        var write: @Sendable (String) -> Void {
            switch self {
            case .standardError: StandardError.write
            case .standardOutput: StandardOutput.write
            case .custom(let write): write
            }
        }
    }

    /// The label of the logger this handler serves (not printed).
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    /// Where finished lines go; tests capture them.
    var output: @Sendable (String) -> Void

    /// A handler for the logger labelled `label`, showing messages at `logLevel` and above
    /// on `stream` (standard error unless told otherwise).
    public init(
        label: String, logLevel: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        stream: Stream = .standardError
    ) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.output = stream.write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.formatLine(
            time: LocalTime.now(), threadName: OSThread.current.name,
            message: event.message.description, metadata: merged)
        output(line)
    }

    // MARK: Installing

    private static let installed = Atomic<Bool>(false)

    /// Makes every `Logger` of the process use a `ThreadLogHandler` at `logLevel`,
    /// writing to `stream` (standard error by default, as Python's `logging`).
    ///
    /// swift-log allows `LoggingSystem.bootstrap` once per process; this calls it only the
    /// first time and ignores later calls, so it is safe from tests and libraries. Returns
    /// whether this call installed the handler.
    @discardableResult
    public static func bootstrap(logLevel: Logger.Level = .info, stream: Stream = .standardError) -> Bool {
        guard
            installed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
                .exchanged
        else { return false }
        LoggingSystem.bootstrap { label in ThreadLogHandler(label: label, logLevel: logLevel, stream: stream)
        }
        return true
    }

    // MARK: Formatting

    /// One line: `HH:mm:ss.SSS [thread] message key=value ...` and a newline. Metadata is
    /// sorted by key so the line is stable.
    static func formatLine(
        time: LocalTime, threadName: String, message: String, metadata: Logger.Metadata = [:]
    ) -> String {
        var line = time.formatted
        line += " [\(threadName)] "
        line += message
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += "\n"
        return line
    }
}

/// A wall-clock time of day in the local time zone, to the millisecond.
struct LocalTime: Equatable, Sendable {
    var hour: Int
    var minute: Int
    var second: Int
    var millisecond: Int

    /// Now, from `clock_gettime(CLOCK_REALTIME)` and `localtime_r` (the TZ database).
    static func now() -> LocalTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        // localtime_r fails only for a time outside `tm`'s range; then show UTC midnight.
        guard localtime_r(&seconds, &parts) != nil else {
            return LocalTime(hour: 0, minute: 0, second: 0, millisecond: 0)
        }
        return LocalTime(
            hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec),
            millisecond: Int(spec.tv_nsec) / 1_000_000)
    }

    /// `HH:mm:ss.SSS`.
    var formatted: String {
        "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))"
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
