import Foundation
import Testing
import ThreadingTestSupport

/// Proves that CI's ThreadSanitizer step can still fail: the `TSanCanary` program races on
/// purpose, and TSan, run with the options CI gives it (`TSAN_OPTIONS`, suppressions
/// included), must report that race. Runs only in a TSan build.
@Suite(.hangGuard)
struct ThreadSanitizerCanaryTests {
    @Test(.enabled(if: builtWithThreadSanitizer, "only a ThreadSanitizer build can report the canary"))
    func threadSanitizerReportsTheCanaryRace() throws {
        // The run's own options stay (a suppression file must not hide our race); the
        // canary only must not stop at its report, so the whole report is read.
        let inherited = ProcessInfo.processInfo.environment["TSAN_OPTIONS"] ?? ""
        let outcome = try runSiblingProgram(
            "TSanCanary", arguments: [],
            environment: ["TSAN_OPTIONS": inherited + " halt_on_error=0 exitcode=66"]
        )
        // Checked as plain Bools and quoted without TSan's banner, so that CI's search of
        // the log for reports cannot mistake this test's output for a report of the run.
        // A write/write race in Swift code is reported as a "Swift access race".
        let report = outcome.stderr.replacingOccurrences(of: "WARNING: ThreadSanitizer", with: "[canary]")
        let reported =
            outcome.stderr.contains("WARNING: ThreadSanitizer: Swift access race")
            || outcome.stderr.contains("WARNING: ThreadSanitizer: data race")
        let namesTheWriter = outcome.stderr.contains("canaryWrite")
        #expect(reported, "no race reported:\n\(report)")
        #expect(namesTheWriter, "the report does not name canaryWrite:\n\(report)")
        #expect(outcome.status == 66, "exit status \(outcome.status), not TSan's 66")
        // It ran to the end. The sum is 3, or 1 or 2 when the race lost an update: the race
        // is the point, so its outcome is not checked (a fresh-clone CI run printed 2).
        let finished = ["1", "2", "3"].contains { outcome.stdout.contains("canary finished: \($0)\n") }
        #expect(finished, "stdout: \(outcome.stdout)")
    }
}
