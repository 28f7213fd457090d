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
    try runSiblingProgram("ThreadingExitProbe", arguments: [mode], environment: environment)
}

/// Runs one of the package's executables that sit next to the test bundle in the build
/// folder, bounded by `Delay.bound`, and returns what it printed.
func runSiblingProgram(
    _ name: String, arguments: [String], environment: [String: String] = [:]
) throws -> ProbeOutcome {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let path = exe.deletingLastPathComponent().appendingPathComponent(name).path
    try #require(FileManager.default.isExecutableFile(atPath: path), "no \(name) at \(path)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
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
        Issue.record("\(name) \(arguments) did not exit within \(Delay.bound)")
        _ = try exited.wait(timeout: Delay.bound)
    }
    // Read after the bounded wait, so a hung child fails the test instead of hanging it;
    // the probes print a few lines, far below a pipe's buffer.
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return ProbeOutcome(status: process.terminationStatus, stdout: stdout, stderr: stderr)
}
