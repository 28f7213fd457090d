import Foundation
import Testing

@testable import ThreadLab

/// The `threadlab` executable built next to the test bundle.
enum Binary {
    static var path: String {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("threadlab")
            .path
    }

    /// Runs `threadlab` with `arguments`.
    static func run(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess.run(path, arguments)
    }
}

/// A context whose log keeps its lines instead of printing them.
func quietContext(scale: Double = 0.05) -> LabContext {
    LabContext(log: LabLog(quiet: true), executable: Binary.path, scale: scale, runPeers: false)
}

extension Trait where Self == TimeLimitTrait {
    /// The hang guard on every suite. Swift Testing counts a test's time limit from when the
    /// test is scheduled, including the time it waits behind other tests' blocking bodies
    /// for a thread of the cooperative pool (two on this machine): in a whole TSan run on a
    /// loaded 2-core machine, async tests waited 68 s that way. So the guard is sized for
    /// the run, not the test; the waits inside a test have bounds of their own (`Delay`).
    static var hangGuard: Self { .timeLimit(.minutes(5)) }
}
