import Foundation
import Testing
import ThreadingTestSupport

@testable import ThreadLab

/// The cluster scenario against a real PostgreSQL: a scratch server, or `THREADING_PG_URL`.
/// Without one it is skipped, except under `CI=true`, where a missing server is a failure.
@Suite("Cluster scenario", .hangGuard)
struct ClusterScenarioTests {
    static let onCI = ProcessInfo.processInfo.environment["CI"] == "true"

    @Test(
        .enabled(
            if: ClusterScenario.databaseUnavailable == nil || onCI,
            "\(ClusterScenario.databaseUnavailable ?? "")"))
    func killedWorkersJobIsRescuedOnTheOtherWorker() throws {
        if let why = ClusterScenario.databaseUnavailable {
            Issue.record("CI=true, yet \(why)")
            return
        }
        let result = try ClusterScenario.run(quietContext())
        #expect(result.submitted == 41)
        #expect(result.received == result.submitted)
        for job in 1...40 { #expect(result.startCounts[job] == 1, "job \(job)") }
        #expect(result.startCounts[0] == 2)
        let killed = try #require(result.killed)
        let survivor = try #require(result.survivor)
        #expect(result.longJobWorkers == [killed, survivor])
        let delay = try #require(result.rescueDelay)
        #expect(delay > .zero && delay <= result.lease * 2)
        #expect(result.verdict.outcome == .expected, "\(result.verdict)")
    }
}
