import Foundation
import Glibc
import Testing
import Threading
import ThreadingTestSupport

/// A `PostgresWorkerProbe` child process: started, then killed or terminated by the test.
final class WorkerProcess: Sendable {
    let pid: Int32
    private let process: LockedState<Process>
    private let exited = Event()

    init(url: String, concurrency: Int, leaseMilliseconds: Int, holdsAnswers: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: siblingProgramPath("PostgresWorkerProbe"))
        process.arguments =
            [url, "\(concurrency)", "\(leaseMilliseconds)"] + (holdsAnswers ? ["hold-answers"] : [])
        process.standardOutput = FileHandle.nullDevice
        let exited = self.exited
        process.terminationHandler = { _ in exited.set() }
        try process.run()
        pid = process.processIdentifier
        self.process = LockedState(process)
    }

    func kill() {
        Glibc.kill(pid, SIGKILL)
        _ = try? exited.wait(timeout: Delay.bound)
    }

    func terminate() { Glibc.kill(pid, SIGTERM) }

    /// Waits (bounded) for the exit; returns the exit status.
    func waitForExit() throws -> Int32 {
        #expect(try exited.wait(timeout: Delay.bound), "the worker process did not exit")
        return process.withLock { $0.terminationStatus }
    }

    deinit {
        Glibc.kill(pid, SIGKILL)
    }
}
