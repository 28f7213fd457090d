import Foundation
import Testing
import ThreadingTestSupport

@testable import ThreadLab

/// The `threadlab` executable built next to the test bundle.
enum Binary {
    static var path: String {
        siblingProgramPath("threadlab")
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
