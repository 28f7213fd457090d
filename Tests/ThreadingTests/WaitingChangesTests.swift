import Foundation
import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// `WaitingChanges`, which `waitUntil` blocks on: it wakes at the starts and ends of
/// waits, and only then; and the pidfd and FIFO waits of the test support.
@Suite(.hangGuard)
struct WaitingChangesTests {
    init() { WaitingChanges.enable() }

    @Test func aConditionThatNeverHoldsTimesOut() {
        let start = ContinuousClock.now
        #expect(!WaitingChanges.wait(until: { false }, deadline: .now + Delay.settle))
        #expect(ContinuousClock.now - start >= Delay.settle)
    }

    @Test func aConditionThatHoldsReturnsAtOnce() {
        #expect(WaitingChanges.wait(until: { true }, deadline: .now + Delay.bound))
    }

    /// The getter is seen waiting because its park wakes the waiter, not a timer.
    @Test func aThreadThatStartsToWaitWakesTheWaiter() throws {
        let q = Queue<Int>()
        let getter = try spawn { _ = try? q.get() }
        #expect(WaitingChanges.wait(until: { q.waiting.getters == 1 }, deadline: .now + Delay.bound))
        try q.put(1)
        try joinAll([getter])
        #expect(WaitingChanges.wait(until: { q.waiting.getters == 0 }, deadline: .now + Delay.bound))
    }

    /// A task's suspension and a timed-out waiter's withdrawal count too.
    @Test func aSuspendedTaskAndAWithdrawnWaiterWakeTheWaiter() async throws {
        let event = Event()
        let waiting = inTask { try await event.wait() }
        let seen = Thread.detachedResult {
            WaitingChanges.wait(until: { event.waitingCount == 1 }, deadline: .now + Delay.bound)
        }
        #expect(await seen.value)
        event.set()
        try await waiting.value
        // A timed wait that gives up withdraws itself: the count drops back without a wake.
        // Two seconds, so a test thread kept off its core for a while still sees it listed.
        let other = Event()
        let timed = try spawn { _ = try? other.wait(timeout: .seconds(2)) }
        #expect(WaitingChanges.wait(until: { other.waitingCount == 1 }, deadline: .now + Delay.bound))
        #expect(WaitingChanges.wait(until: { other.waitingCount == 0 }, deadline: .now + Delay.bound))
        try joinAll([timed])
    }

    /// State of the test's own: a `note()` after the change wakes the waiter.
    @Test func aNoteAfterAChangeWakesTheWaiter() throws {
        let flag = Atomic<Bool>(false)
        let setter = try spawn {
            flag.store(true, ordering: .relaxed)
            WaitingChanges.note()
        }
        #expect(WaitingChanges.wait(until: { flag.load(ordering: .relaxed) }, deadline: .now + Delay.bound))
        try joinAll([setter])
    }

    /// CPython's `Thread.run` deletes its target: what the body captured is released when
    /// it returns, before the thread counts as ended.
    @Test func aThreadReleasesItsBodyWhenItReturns() throws {
        final class Captured: Sendable {}
        var captured: Captured? = Captured()
        weak let watched = captured
        let thread = try spawn { [captured] in _ = captured }
        captured = nil
        try joinAll([thread])
        #expect(watched == nil)
        _ = thread  // the thread object itself is still alive
    }

    @Test func processEndsAreAwaitedOnPidfds() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["300"]
        try child.run()
        let pid = child.processIdentifier
        #expect(!waitUntilEnded([pid], within: Delay.settle))
        kill(pid, SIGKILL)  // not SIGTERM: a child may inherit it blocked
        #expect(waitUntilEnded([pid], within: Delay.bound))
        child.waitUntilExit()
        #expect(waitUntilEnded([pid], any: true, within: .zero))  // reaped: gone
    }

    @Test func aFifoReadIsBoundedAndGetsTheWrittenPID() throws {
        let fifo = try Fifo()
        defer { fifo.remove() }
        #expect(fifo.readPID(within: Delay.settle) == nil)
        let writer = try spawn {
            let fd = open(fifo.path, O_WRONLY)
            guard fd >= 0 else { return }
            var line = "4242\n"
            line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        #expect(fifo.readPID() == 4242)
        try joinAll([writer])
    }
}

extension Thread {
    /// Runs a blocking `body` on a thread of its own and hands its result to async code,
    /// so no thread of the cooperative pool blocks (the task it waits for needs one).
    fileprivate static func detachedResult(_ body: @escaping @Sendable () -> Bool) -> Task<Bool, Never> {
        Task {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: body()) }
            }
        }
    }
}
