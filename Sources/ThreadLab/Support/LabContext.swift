import Foundation

/// What every scenario gets: where to log, how to start this program again as a child
/// process, and the knobs of the command line.
package struct LabContext: Sendable {
    /// Where the scenario's log lines go.
    package var log: LabLog
    /// The `threadlab` executable, for scenarios that run it as a child process.
    package var executable: String
    /// The simulated GIL's switch interval (CPython's `sys.getswitchinterval()`).
    package var switchInterval: Duration
    /// Multiplies the sizes of the CPU-bound jobs; below 1 for quick runs and tests.
    package var scale: Double
    /// Whether to look for `python3` and run CPython's figures beside ours.
    package var runPeers: Bool

    package init(
        log: LabLog = LabLog(), executable: String = LabContext.currentExecutable,
        switchInterval: Duration = .milliseconds(5), scale: Double = 1, runPeers: Bool = true
    ) {
        self.log = log
        self.executable = executable
        self.switchInterval = switchInterval
        self.scale = scale
        self.runPeers = runPeers
    }

    /// This process's executable (`/proc/self/exe`).
    package static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }
}
