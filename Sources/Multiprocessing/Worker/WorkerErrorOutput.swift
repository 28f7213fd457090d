/// What the pool does with a worker's standard error, line by line: pass it through to
/// the parent's standard error until the worker starts to crash, then keep the crash
/// report out of the parent's output.
///
/// A Swift worker that traps prints its message ("…: Fatal error: …") and then some fifty
/// lines of backtrace (registers, loaded images). On every crash those lines flooded the
/// parent's terminal. Now the first line of the report goes into the task's
/// `ProcessPoolError.workerDied` detail, and the whole report into a file whose path the
/// detail names. Plain data: the pool's relay thread feeds it, tests feed it directly.
struct WorkerErrorOutput: Sendable {
    /// The first line of the crash report, once one started.
    private(set) var crashLine: String?
    /// The report's lines (the first one included), for the report file.
    private(set) var report: [String] = []
    /// Bytes of a line not yet ended by a newline.
    private var partial: [UInt8] = []
    /// A bound on what the report keeps, so a worker that keeps writing after its crash
    /// line cannot fill the parent's memory.
    static let reportLimit = 400

    /// Feeds a chunk the worker wrote; returns the complete lines to pass through to the
    /// parent's standard error (each with its newline).
    mutating func append(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var through: [UInt8] = []
        for byte in bytes {
            partial.append(byte)
            if byte == UInt8(ascii: "\n") {
                take(line: partial, into: &through)
                partial.removeAll(keepingCapacity: true)
            }
        }
        return through
    }

    /// The worker's output ended: an unfinished last line is handled as a line.
    mutating func finish() -> [UInt8] {
        guard !partial.isEmpty else { return [] }
        var through: [UInt8] = []
        take(line: partial + [UInt8(ascii: "\n")], into: &through)
        partial.removeAll()
        return through
    }

    private mutating func take(line: [UInt8], into through: inout [UInt8]) {
        let text = String(decoding: line.dropLast(), as: UTF8.self)
        if crashLine == nil, Self.startsACrashReport(text) { crashLine = text }
        if crashLine == nil {
            through.append(contentsOf: line)
        } else if report.count < Self.reportLimit {
            report.append(text)
        }
    }

    /// How the Swift runtime, its backtracer and the sanitizers begin a crash report.
    static func startsACrashReport(_ line: String) -> Bool {
        line.contains("Fatal error:") || line.hasPrefix("*** Program crashed:")
            || line.hasPrefix("*** Signal ") || line.contains("ThreadSanitizer:DEADLYSIGNAL")
            || line.hasPrefix("Current stack trace:")
    }
}
