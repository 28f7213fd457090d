import Foundation
import Testing
import ThreadingTestSupport

@testable import Threading

/// Runs `ThreadingExitProbe MODE`, which sits next to the test bundle in the build folder.
func runExitProbe(_ mode: String, environment: [String: String] = [:]) throws -> ProbeOutcome {
    try runSiblingProgram("ThreadingExitProbe", arguments: [mode], environment: environment)
}
