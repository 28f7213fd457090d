import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// The diagnostics are process-wide (one checker mode, one order graph, one tracing
/// session), so every diagnostics suite is nested here and runs serialized.
@Suite(.serialized, .hangGuard)
struct DiagnosticsTests {}

/// Collects the violations the checker reports.
///
/// The checker is process-wide and other suites' tests run in parallel with these, so a
/// test looks only at the violations made of its own locks (`among`).
final class ViolationLog: Sendable {
    private let items = StateLock<[LockOrderViolation]>([])
    func append(_ violation: LockOrderViolation) { items.withLock { $0.append(violation) } }

    /// The cycles, as lock names, of the violations whose every lock is named in `names`.
    func cycles(named names: Set<String>) -> [[String]] {
        items.withLock { $0 }.map(\.cycle).filter { Set($0).isSubset(of: names) }
    }

    /// The violations whose every lock is one of `locks`.
    func among(_ locks: Lock...) -> [LockOrderViolation] {
        let ids = Set(locks.map(\.identity.id))
        return items.withLock { $0 }.filter { violation in
            violation.edges.allSatisfy { ids.contains($0.from) && ids.contains($0.to) }
        }
    }
}

/// Runs `body` with the checker in `.report` mode, a fresh graph and a handler that
/// collects violations; turns the checker off afterwards.
func withLockOrderChecking(_ body: (ViolationLog) throws -> Void) throws {
    try LockOrderCheckerTurn.take {
        let log = ViolationLog()
        LockOrderChecking.reset()
        LockOrderChecking.setReportHandler { log.append($0) }
        LockOrderChecking.mode = .report
        defer {
            LockOrderChecking.mode = .off
            LockOrderChecking.reset()
        }
        try body(log)
    }
}

/// Runs `body` on a new thread named `name` and waits for it: the edges of these tests are
/// seen on different threads, one after the other, so nothing really deadlocks.
func onThread(_ name: String, _ body: @escaping @Sendable () throws -> Void) throws {
    try joinAll([spawn(name: name, body)])
}

extension DiagnosticsTests {
    @Suite struct LockOrderCheckingTests {
        @Test func oppositeOrdersOnTwoThreadsAreReported() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "accounts")
                let b = Lock(name: "ledger")
                let forwardLine = #line + 1
                try onThread("forward") { a.withLock { b.withLock {} } }
                #expect(log.among(a, b).isEmpty)
                let backwardLine = #line + 1
                try onThread("backward") { b.withLock { a.withLock {} } }

                let violations = log.among(a, b)
                try #require(violations.count == 1)
                let violation = violations[0]
                #expect(violation.cycle == ["accounts", "ledger"])
                let text = violation.description
                for needle in [
                    "\"accounts\"", "\"ledger\"", "\"forward\"", "\"backward\"",
                    "LockOrderCheckingTests.swift:\(forwardLine)",
                    "LockOrderCheckingTests.swift:\(backwardLine)",
                ] {
                    #expect(text.contains(needle), "missing \(needle) in \(text)")
                }
            }
        }

        @Test func bareAcquireSaysTheSiteIsUnknown() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "bare-a")
                let b = Lock(name: "bare-b")
                for (name, first, second) in [("forward", a, b), ("backward", b, a)] {
                    try onThread(name) {
                        first.acquire()
                        second.acquire()
                        try second.release()
                        try first.release()
                    }
                }
                let violations = log.among(a, b)
                try #require(violations.count == 1)
                #expect(violations[0].description.contains("unknown place (a bare acquire()"))
            }
        }

        @Test func realDeadlockIsReportedBeforeTheThreadsBlock() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "left")
                let b = Lock(name: "right")
                let bothHold = try Barrier(parties: 2)
                // Each holds one lock and then tries the other: a real deadlock, bounded by
                // the timeout so the test ends.
                let threads = try [(a, b), (b, a)].map { first, second in
                    try spawn(name: "deadlocking") {
                        try first.withLock {
                            _ = try bothHold.wait(timeout: Delay.bound)
                            if try second.acquire(timeout: Delay.short) { try second.release() }
                        }
                    }
                }
                try joinAll(threads)
                #expect(log.among(a, b).count == 1)
            }
        }

        /// The known false positive (as in lockdep): a gate lock taken around both orders
        /// makes them exclusive, yet the inversion is reported.
        @Test func gateLockPatternIsReportedAsDocumented() throws {
            try withLockOrderChecking { log in
                let gate = Lock(name: "gate")
                let a = Lock(name: "a")
                let b = Lock(name: "b")
                try onThread("forward") { gate.withLock { a.withLock { b.withLock {} } } }
                try onThread("backward") { gate.withLock { b.withLock { a.withLock {} } } }
                #expect(log.among(a, b).map(\.cycle) == [["a", "b"]])
            }
        }

        @Test func eachCycleIsReportedOnce() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "a")
                let b = Lock(name: "b")
                try onThread("forward") { a.withLock { b.withLock {} } }
                for _ in 0..<3 {
                    try onThread("backward") { b.withLock { a.withLock {} } }
                }
                #expect(log.among(a, b).count == 1)
            }
        }

        @Test func threeLockCycleOverThreeThreadsReportsShortestCycle() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "A")
                let b = Lock(name: "B")
                let c = Lock(name: "C")
                let x = Lock(name: "X")
                let y = Lock(name: "Y")
                // A longer way from A to B: A → X → Y → B. The report must not take it.
                try onThread("detour") { a.withLock { x.withLock { y.withLock { b.withLock {} } } } }
                try onThread("one") { a.withLock { b.withLock {} } }
                try onThread("two") { b.withLock { c.withLock {} } }
                #expect(log.among(a, b, c, x, y).isEmpty)
                try onThread("three") { c.withLock { a.withLock {} } }

                let violations = log.among(a, b, c, x, y)
                try #require(violations.count == 1)
                #expect(violations[0].cycle == ["A", "B", "C"])
                for thread in ["\"one\"", "\"two\"", "\"three\""] {
                    #expect(violations[0].description.contains(thread))
                }
                #expect(!violations[0].description.contains("\"detour\""))
            }
        }

        @Test func consistentOrderOverManyThreadsIsNotReported() throws {
            try withLockOrderChecking { log in
                let locks = (0..<3).map { Lock(name: "level-\($0)") }
                let counter = Unguarded(0)
                let threads = 4
                let rounds = Stress.size(100_000) / (threads * locks.count)
                let workers = try (0..<threads).map { index in
                    try spawn(name: "worker-\(index)") {
                        for _ in 0..<rounds {
                            locks[0].withLock {
                                locks[1].withLock { locks[2].withLock { counter.value += 1 } }
                            }
                        }
                    }
                }
                try joinAll(workers)
                #expect(locks[0].withLock { counter.value } == threads * rounds)
                #expect(log.among(locks[0], locks[1], locks[2]).isEmpty)
            }
        }

        @Test func tryAcquireAddsNoEdgeToTheLockItTakes() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "a")
                let b = Lock(name: "b")
                try onThread("trying") {
                    a.withLock {
                        if b.tryAcquire() { try? b.release() }
                    }
                }
                try onThread("backward") { b.withLock { a.withLock {} } }
                #expect(log.among(a, b).isEmpty)
            }
        }

        @Test func lockTakenByTryAcquireIsHeldForLaterEdges() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "a")
                let b = Lock(name: "b")
                try onThread("trying") {
                    if a.tryAcquire() {
                        b.withLock {}
                        try? a.release()
                    }
                }
                try onThread("backward") { b.withLock { a.withLock {} } }
                #expect(log.among(a, b).map(\.cycle) == [["a", "b"]])
            }
        }

        @Test func releaseOnAnotherThreadLeavesNoStaleHeldLock() throws {
            try withLockOrderChecking { log in
                let semaphoreLike = Lock(name: "handed-over")
                let other = Lock(name: "other")
                let released = Event()
                let taken = Event()
                let owner = try spawn(name: "owner") {
                    semaphoreLike.acquire()
                    taken.set()
                    released.wait()
                    // The lock is no longer held by this thread: no edge handed-over → other.
                    other.withLock {}
                }
                try #require(try taken.wait(timeout: Delay.bound))
                try onThread("releaser") { try semaphoreLike.release() }
                released.set()
                try joinAll([owner])
                try onThread("backward") { other.withLock { semaphoreLike.withLock {} } }
                #expect(log.among(semaphoreLike, other).isEmpty)
            }
        }

        @Test func timedAcquisitionAddsAnEdge() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "a")
                let b = Lock(name: "b")
                try onThread("forward") {
                    a.withLock { if (try? b.acquire(timeout: Delay.bound)) == true { try? b.release() } }
                }
                try onThread("backward") { b.withLock { a.withLock {} } }
                #expect(log.among(a, b).count == 1)
            }
        }

        @Test func rlockReentrancyAddsNoEdge() throws {
            try withLockOrderChecking { log in
                let outer = RLock(name: "outer")
                let inner = Lock(name: "inner")
                // Re-entering `outer` while holding `inner` must not count as inner → outer.
                try onThread("reentrant") { outer.withLock { inner.withLock { outer.withLock {} } } }
                #expect(log.cycles(named: ["outer", "inner"]).isEmpty)
            }
        }

        @Test func rlockOppositeOrdersAreReported() throws {
            try withLockOrderChecking { log in
                let r = RLock(name: "reentrant")
                let plain = Lock(name: "plain")
                try onThread("forward") { r.withLock { r.withLock { plain.withLock {} } } }
                try onThread("backward") { plain.withLock { r.withLock {} } }
                #expect(log.cycles(named: ["reentrant", "plain"]) == [["reentrant", "plain"]])
            }
        }

        @Test func conditionLockCountsInTheOrder() throws {
            try withLockOrderChecking { log in
                let condition = Condition(Lock(name: "condition's lock"))
                let other = Lock(name: "other")
                try onThread("forward") { condition.withLock { other.withLock {} } }
                try onThread("backward") { other.withLock { condition.withLock {} } }
                #expect(log.cycles(named: ["condition's lock", "other"]) == [["condition's lock", "other"]])
            }
        }

        @Test func resetForgetsTheGraph() throws {
            try withLockOrderChecking { log in
                let a = Lock(name: "a")
                let b = Lock(name: "b")
                try onThread("forward") { a.withLock { b.withLock {} } }
                LockOrderChecking.reset()
                try onThread("backward") { b.withLock { a.withLock {} } }
                #expect(log.among(a, b).isEmpty)
            }
        }

        @Test func offModeRecordsNothing() throws {
            try LockOrderCheckerTurn.take {
                let log = ViolationLog()
                LockOrderChecking.reset()
                LockOrderChecking.setReportHandler { log.append($0) }
                LockOrderChecking.mode = .off
                #expect(LockOrderChecking.mode == .off)
                let a = Lock(name: "a")
                let b = Lock(name: "b")
                try onThread("forward") { a.withLock { b.withLock {} } }
                try onThread("backward") { b.withLock { a.withLock {} } }
                #expect(log.among(a, b).isEmpty)
            }
        }

        @Test func abortModeEndsTheProcessWithTheReportOnStandardError() throws {
            let outcome = try runExitProbe("lock-order-abort")
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("lock-order violation"))
            #expect(outcome.stderr.contains("\"probe-A\""))
            #expect(outcome.stderr.contains("\"probe-B\""))
            #expect(!outcome.stdout.contains("finished"))
        }

        @Test func environmentVariableSetsTheMode() throws {
            let aborted = try runExitProbe("lock-order-env", environment: ["THREADING_LOCK_ORDER": "abort"])
            #expect(aborted.status != 0)
            #expect(aborted.stderr.contains("lock-order violation"))
            let reported = try runExitProbe("lock-order-env", environment: ["THREADING_LOCK_ORDER": "report"])
            #expect(reported.stderr.contains("lock-order violation"))
            #expect(reported.stdout.contains("finished"))
            let off = try runExitProbe("lock-order-env", environment: ["THREADING_LOCK_ORDER": "off"])
            #expect(!off.stderr.contains("lock-order violation"))
            #expect(off.stdout.contains("finished"))
            // Under ThreadSanitizer the child's status also counts TSan's reports on code
            // outside the checker, so only a plain build checks it.
            if !Stress.underTSan {
                #expect(reported.status == 0)
                #expect(off.status == 0)
                #expect(off.stderr.isEmpty)
            }
        }
    }

    /// The order graph alone, without threads.
    @Suite struct LockOrderGraphTests {
        func edge(_ from: UInt64, _ to: UInt64) -> LockOrderGraph.Edge {
            LockOrderGraph.Edge(
                from: from, to: to, fromName: "L\(from)", toName: "L\(to)", fromSite: .unknown,
                toSite: .unknown,
                threadName: "t", threadID: 1)
        }

        @Test func shortestCycleThroughTheNewEdge() {
            var graph = LockOrderGraph()
            for (from, to) in [(1, 2), (2, 3), (1, 4), (4, 5), (5, 3), (3, 6)] as [(UInt64, UInt64)] {
                #expect(graph.add(edge(from, to)) == nil)
            }
            let cycle = graph.add(edge(3, 1))
            #expect(cycle?.map(\.from) == [3, 1, 2])
            // The same cycle again (a different edge of it closing it) is not reported twice.
            #expect(graph.add(edge(3, 1)) == nil)
        }

        @Test func duplicateAndSelfEdgesAreIgnored() {
            var graph = LockOrderGraph()
            #expect(graph.add(edge(1, 1)) == nil)
            #expect(graph.add(edge(1, 2)) == nil)
            #expect(graph.add(edge(1, 2)) == nil)
            #expect(graph.edgeCount == 1)
        }

        @Test func canonicalRotationStartsAtTheSmallestID() {
            #expect(LockOrderGraph.canonical([5, 2, 9]) == [2, 9, 5])
        }
    }
}
