import Foundation
import Testing

@testable import Threading

/// What a `ThreadingExitProbe` child process did.
struct ProbeOutcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `ThreadingExitProbe MODE`, which sits next to the test bundle in the build folder.
func runExitProbe(_ mode: String, environment: [String: String] = [:]) throws -> ProbeOutcome {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let path = exe.deletingLastPathComponent().appendingPathComponent("ThreadingExitProbe").path
    try #require(FileManager.default.isExecutableFile(atPath: path), "no probe at \(path)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = [mode]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let exited = Event()
    process.terminationHandler = { _ in exited.set() }
    try process.run()
    if try !exited.wait(timeout: Delay.bound) {
        process.terminate()
        Issue.record("probe \(mode) did not exit within \(Delay.bound)")
        _ = try exited.wait(timeout: Delay.bound)
    }
    // Read after the bounded wait, so a hung child fails the test instead of hanging it;
    // the probes print a few lines, far below a pipe's buffer.
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return ProbeOutcome(status: process.terminationStatus, stdout: stdout, stderr: stderr)
}
