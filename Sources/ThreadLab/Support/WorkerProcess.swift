import Foundation
import Threading

/// A child process whose output the caller reads line by line as it comes: the cluster
/// scenario's `threadlab worker`s. Its standard output and error share one pipe; a reader
/// thread hands each line to `lines`, stamped with the time it arrived, and a last
/// `Line` without text at end-of-file. Used by the thread that started it only.
package final class WorkerProcess {
    /// One line a child printed, or the end of its output.
    package struct Line: Sendable {
        /// The `index` of the child that printed it.
        package var worker: Int
        /// The line without its newline; nil at end-of-file.
        package var text: String?
        /// When the reader got it.
        package var time: ContinuousClock.Instant
    }

    package let index: Int
    package let pid: Int32
    private let process: Process
    private let exited: Event
    private let reader: OSThread

    /// Starts `executable` with `arguments`; its lines go to `lines`. Throws when the
    /// child or its reader thread cannot be started (the child is killed then).
    package init(index: Int, executable: String, arguments: [String], lines: Queue<Line>) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let exited = Event()
        process.terminationHandler = { _ in exited.set() }
        try process.run()
        let handle = pipe.fileHandleForReading
        reader = OSThread(name: "worker-\(index)-output", daemon: true) {
            WorkerProcess.readLines(handle, worker: index, into: lines)
        }
        self.index = index
        self.process = process
        self.exited = exited
        pid = process.processIdentifier
        do {
            try reader.start()
        } catch {
            kill(pid, SIGKILL)
            throw error
        }
    }

    /// Whether the child has exited (and was reaped).
    package var hasExited: Bool { exited.isSet }

    /// The exit status, or 128 + the signal that ended it; nil while it runs.
    package var status: Int32? {
        guard exited.isSet else { return nil }
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Sends `signal` unless the child has exited already.
    package func send(_ signal: Int32) {
        if !exited.isSet { kill(pid, signal) }
    }

    /// Blocks until the child exits or `timeout` passes; returns whether it exited.
    package func waitForExit(timeout: Duration) throws -> Bool {
        try exited.wait(timeout: timeout)
    }

    /// SIGTERM, then SIGKILL when it has not exited after `grace`; then waits (bounded)
    /// for the reader to reach end-of-file. Does nothing more once the child has exited.
    package func stop(grace: Duration) {
        send(SIGTERM)
        if (try? exited.wait(timeout: grace)) != true {
            send(SIGKILL)
            _ = try? exited.wait(timeout: grace)
        }
        _ = try? reader.join(timeout: grace)
    }

    /// The reader thread's loop: whole lines to `lines` until end-of-file, then the end.
    private static func readLines(_ handle: FileHandle, worker: Int, into lines: Queue<Line>) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        func deliver(_ bytes: ArraySlice<UInt8>?) {
            let text = bytes.map { String(decoding: $0, as: UTF8.self) }
            try? lines.put(Line(worker: worker, text: text, time: .now))
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending += chunk[..<count]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                deliver(pending[..<newline])
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { deliver(pending[...]) }
        deliver(nil)
    }
}
