import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// Python's `threading.Timer` (`test_threading.TimerTests`).
@Suite(.hangGuard)
struct TimerThreadTests {
    @Test func firesOnceAfterTheInterval() throws {
        let fired = Counter()
        let interval = Duration.milliseconds(30)
        let timer = TimerThread(after: interval) { fired.increment() }
        let start = ContinuousClock.now
        try timer.start()
        #expect(try timer.join(timeout: Delay.bound))
        #expect(ContinuousClock.now - start >= interval)
        #expect(fired.count == 1)
        #expect(!timer.isAlive)
    }

    @Test func cancelPreventsTheBody() throws {
        let fired = Counter()
        let timer = TimerThread(after: .seconds(3600)) { fired.increment() }
        try timer.start()
        #expect(timer.isAlive)
        timer.cancel()
        #expect(try timer.join(timeout: Delay.bound))  // woken by cancel, not the hour
        #expect(fired.count == 0)
        timer.cancel()  // again: no effect
    }

    @Test func cancelBeforeStartPreventsTheBody() throws {
        let fired = Counter()
        let timer = TimerThread(after: .zero) { fired.increment() }
        timer.cancel()
        try timer.start()
        try timer.join()
        #expect(fired.count == 0)
    }

    @Test func negativeIntervalMeansZero() throws {
        let fired = Counter()
        let timer = TimerThread(after: .seconds(-5)) { fired.increment() }
        try timer.start()
        #expect(try timer.join(timeout: Delay.bound))
        #expect(fired.count == 1)
    }

    @Test func joinTimeoutWhileWaiting() throws {
        let timer = TimerThread(after: .seconds(3600)) {}
        try timer.start()
        #expect(try !timer.join(timeout: Delay.short))
        #expect(throws: ThreadingError.self) { _ = try timer.join(timeout: .seconds(-1)) }
        timer.cancel()
        try timer.join()
    }

    @Test func misuseThrows() throws {
        let timer = TimerThread(after: .zero, name: "T") {}
        #expect(timer.name == "T")
        #expect(throws: ThreadingError.notStarted) { try timer.join() }
        try timer.start()
        #expect(throws: ThreadingError.alreadyStarted) { try timer.start() }
        try timer.join()
    }
}
