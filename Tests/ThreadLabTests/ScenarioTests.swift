import Foundation
import Testing
import ThreadingTestSupport

@testable import ThreadLab

@Suite("Scenarios", .hangGuard)
struct ScenarioTests {
    @Test func basicMainFinishesAfterFirst() throws {
        let result = try BasicScenario.run(quietContext(), sleep: .milliseconds(50))
        #expect(
            result.steps == [
                "main:before-create", "main:before-run", "main:wait", "First:starting", "First:finishing",
                "main:done",
            ]
                || result.steps == [
                    "main:before-create", "main:before-run", "First:starting", "main:wait", "First:finishing",
                    "main:done",
                ])
        #expect(result.joinWaited > .zero)
        #expect(result.verdict.outcome == .expected)
    }

    @Test func daemonChildStopsEarlyAndNonDaemonDoesNot() throws {
        // ThreadSanitizer makes the child's exit slow: give its daemon threads more to do.
        let underTSan = ProcessInfo.processInfo.environment["THREADING_TSAN"] == "1"
        let result = try DaemonScenario.run(quietContext(), pace: .milliseconds(underTSan ? 20 : 2))
        #expect(result.daemon.printed < result.total)
        #expect(result.daemon.printed >= 2, "both daemon threads printed before main ended")
        #expect(result.nonDaemon.printed == result.total)
        #expect(result.nonDaemon.status == 0)
        #expect(result.verdict.outcome == .expected)
    }

    @Test func raceLosesUpdatesWithoutALock() throws {
        let result = try RaceScenario.run(quietContext(), pause: .milliseconds(20))
        #expect(result.updates == 3)
        #expect(result.finalValue < 3)
        #expect(result.lost >= 1)
        #expect(result.verdict.outcome == .expected)
    }

    @Test func lockReachesThree() throws {
        let result = try LockScenario.run(
            quietContext(), pause: .milliseconds(10), threads: 4, incrementsPerThread: 10_000)
        #expect(result.acquireReleaseValue == 3)
        #expect(result.withLockValue == 3)
        #expect(result.contendedTotal == 40_000)
        #expect(result.verdict.outcome == .expected)
    }

    /// The sum runs 200 ms (its pace is wall-clock busy work) against a 5 ms report
    /// interval, so a reporter kept off its core for most of it still reports once.
    @Test func responsivenessDeliversReportsWhileTheSumRuns() throws {
        let result = try ResponsivenessScenario.run(
            quietContext(), upTo: 100_000, chunkWork: .milliseconds(2), reportEvery: .milliseconds(5))
        #expect(result.sum == 100_000 * 100_001 / 2)
        #expect(result.reportsWhileRunning >= 1)
    }

    @Test func manyThreadsLoseNothing() throws {
        let result = try ManyThreadsScenario.run(quietContext(), work: 256 * 50)
        #expect(result.runs.map(\.threads) == ManyThreadsScenario.threadCounts)
        for run in result.runs { #expect(run.total == 256 * 50) }
        #expect(result.verdict.outcome == .expected)
    }

    @Test func gilScenarioKeepsOneHolderAndRightSums() throws {
        let result = try GILScenario.run(quietContext(), n: 2_000_000)
        #expect(result.sumsCorrect)
        #expect(result.maxConcurrentHolders == 1)
        #expect(result.twoProcesses != nil)
        #expect(result.verdict.outcome == .expected)
    }

    @Test func poolSumsOnNamedWorkers() throws {
        let result = try PoolScenario.run(quietContext())
        for run in result.submitted + result.mapped {
            #expect(run.result == 49_995_000)
            #expect(run.worker.hasPrefix("ThreadPoolExecutor-"))
        }
        #expect(result.mapped.map(\.name) == ["First", "Second"])
        #expect(result.verdict.outcome == .expected)
    }

    @Test func producerConsumerShowsTheTutorialHangAndConservesItemsWithShutdown() throws {
        let result = try ProducerConsumerScenario.run(
            quietContext(), runFor: .milliseconds(60), hangBound: .milliseconds(50))
        #expect(result.tutorialLoopHung)
        #expect(result.produced > 0)
        #expect(result.produced == result.consumed)
        #expect(result.maxSize <= 10)
        #expect(result.verdict.outcome == .expected)
    }

    @Test func processesContainACrash() throws {
        let result = try ProcessesScenario.run(quietContext(), n: 1_000_000, workers: 2)
        #expect(result.sumCorrect)
        #expect(result.crashError != nil)
        #expect(result.othersSurvived)
        #expect(result.verdict.outcome == .expected)
    }

    @Test func deadlockIsReportedWithBothLocksAndSites() throws {
        // The scenario sets the process-wide checker up, as the checker's own tests do.
        let result = try LockOrderCheckerTurn.take {
            try DeadlockScenario.run(quietContext(), giveUpAfter: .milliseconds(100))
        }
        #expect(Set(result.cycle) == ["A", "B"])
        #expect(result.sites.count >= 2)
        #expect(result.timedAcquireGaveUp)
        #expect(result.verdict.outcome == .expected)
    }

    @Test func tourListsEveryScenarioInOrder() {
        #expect(
            Scenario.all.map(\.name) == [
                "basic", "daemon", "pool", "race", "lock", "deadlock", "producer-consumer", "responsiveness",
                "many-threads", "gil", "processes", "cluster",
            ])
    }

    @Test func logLinesCarryTimeAndThreadName() {
        let log = LabLog(quiet: true)
        log("hello")
        let line = log.lines.first ?? ""
        #expect(line.wholeMatch(of: /\d\d:\d\d:\d\d\.\d\d\d \[[^\]]+\] hello/) != nil)
    }
}
