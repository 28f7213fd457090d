import Foundation
import Testing
import Threading

/// What a child program printed, and how it ended.
package struct ProbeOutcome: Sendable {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// The path of one of the package's executables, which the build puts next to the test
/// bundle.
package func siblingProgramPath(_ name: String) -> String {
    let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return bundle.deletingLastPathComponent().appendingPathComponent(name).path
}

/// Runs one of the package's executables, bounded by `Delay.bound`, and returns what it
/// printed; a child that does not exit in time is terminated and fails the test.
package func runSiblingProgram(
    _ name: String, arguments: [String], environment: [String: String] = [:]
) throws -> ProbeOutcome {
    let path = siblingProgramPath(name)
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
    // the programs print a few kilobytes, below a pipe's buffer.
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return ProbeOutcome(status: process.terminationStatus, stdout: stdout, stderr: stderr)
}

/// Whether this test bundle was built with `--sanitize=thread`: the TSan runtime is then
/// linked into the process.
package let builtWithThreadSanitizer: Bool = {
    guard let process = dlopen(nil, RTLD_NOW) else { return false }
    defer { dlclose(process) }
    return dlsym(process, "__tsan_init") != nil
}()
