import Foundation
import Threading

/// Runs a program to completion and collects what it printed.
package struct ChildProcess: Sendable {
    package var status: Int32
    package var standardOutput: String
    package var standardError: String

    /// Whether the child was killed for running past its time limit.
    package var timedOut = false

    /// Runs `executable` with `arguments`; throws when it cannot be started. A child still
    /// running after `timeout` is killed (SIGKILL: a child may have inherited a mask that
    /// blocks SIGTERM) and the result says `timedOut`.
    package static func run(
        _ executable: String, _ arguments: [String], timeout: Duration = .seconds(600)
    ) throws -> ChildProcess {
        let running = try start(executable, arguments)
        let finished = Event()
        let pid = running.process.processIdentifier
        let killed = SharedInt()
        // Sleeps on the event until the child is done or the time is up: a timed wait.
        let watchdog = OSThread(name: "child-watchdog", daemon: true) {
            if (try? finished.wait(timeout: timeout)) == false {
                killed.store(1)
                kill(pid, SIGKILL)
            }
        }
        try? watchdog.start()
        var result = running.wait()
        finished.set()
        result.timedOut = killed.value == 1
        return result
    }

    /// A started child, not yet waited for.
    package final class Running: @unchecked Sendable {
        // Only the thread that started the child uses these; never shared.
        let process: Process
        let output: Pipe
        let errors: Pipe

        init(process: Process, output: Pipe, errors: Pipe) {
            self.process = process
            self.output = output
            self.errors = errors
        }

        /// Reads everything the child prints and waits for it to exit.
        package func wait() -> ChildProcess {
            // Read standard error on the side, so neither pipe can fill up and block the child.
            let errorData = ErrorCollector(errors.fileHandleForReading)
            let out = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return ChildProcess(
                status: process.terminationReason == .uncaughtSignal
                    ? 128 + process.terminationStatus : process.terminationStatus,
                standardOutput: String(decoding: out, as: UTF8.self),
                standardError: String(decoding: errorData.finish(), as: UTF8.self))
        }
    }

    /// Starts `executable` with `arguments`, its output captured.
    package static func start(_ executable: String, _ arguments: [String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, output: output, errors: errors)
    }

    /// Finds `name` on the PATH.
    package static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Drains a pipe on its own thread.
private final class ErrorCollector: @unchecked Sendable {
    // `data` is written once by the reading thread before `done` is signalled and read
    // only after `finish()` has waited on `done`.
    private var data = Data()
    private let done = Event()

    init(_ handle: FileHandle) {
        let reader = OSThread(name: "pipe-reader", daemon: true) { [self] in
            data = handle.readDataToEndOfFile()
            done.set()
        }
        do {
            try reader.start()
        } catch {
            // No thread: read on the caller's thread in `finish()` instead.
            data = Data()
            done.set()
            fallback = handle
        }
    }

    private var fallback: FileHandle?

    func finish() -> Data {
        done.wait()
        if let fallback { return fallback.readDataToEndOfFile() }
        return data
    }
}
