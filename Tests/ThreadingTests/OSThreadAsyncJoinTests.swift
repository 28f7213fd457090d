import Testing
import ThreadingTestSupport

@testable import Threading

/// `await thread.join()` and `await thread.join(timeout:)`: the async twins that hold no
/// thread while the thread runs.
@Suite(.hangGuard)
struct OSThreadAsyncJoinTests {
    @Test func asyncJoinReturnsAfterTheBody() async throws {
        let release = Event()
        let ran = Counter()
        let thread = try spawn {
            release.wait()
            ran.increment()
        }
        let joiner = inTask { try await thread.join() }
        await waitUntil("the task is listed as a joiner") { thread.joinerCount == 1 }
        #expect(ran.count == 0)
        release.set()
        try await joiner.value
        #expect(ran.count == 1)  // the body's last line happened before join returned
        #expect(!thread.isAlive)
        try await thread.join()  // a finished thread joins at once, again and again
    }

    /// More joiners than the cooperative pool has threads: if any held a thread, the task
    /// that releases the body could never run.
    @Test func asyncJoinersHoldNoThread() async throws {
        let release = Event()
        let thread = try spawn { release.wait() }
        let joiners = (0..<16).map { _ in inTask { try await thread.join() } }
        await waitUntil("every task is listed") { thread.joinerCount == 16 }
        await inTask { release.set() }.value
        for joiner in joiners { try await joiner.value }
    }

    @Test func asyncJoinBeforeStartThrows() async {
        let thread = OSThread(daemon: true) {}
        await #expect(throws: ThreadingError.notStarted) { try await thread.join() }
        await #expect(throws: ThreadingError.notStarted) { _ = try await thread.join(timeout: .zero) }
    }

    /// A task running on a pool thread (the pool is its executor preference) cannot
    /// join that very thread.
    @Test func asyncJoinOfTheCurrentThreadThrows() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        defer { pool.shutdown(wait: false) }
        let errors = await Task(executorPreference: pool) { () async -> [ThreadingError?] in
            var errors: [ThreadingError?] = []
            for timed in [false, true] {
                do {
                    if timed {
                        _ = try await OSThread.current.join(timeout: .zero)
                    } else {
                        try await OSThread.current.join()
                    }
                    errors.append(nil)
                } catch {
                    errors.append(error as? ThreadingError)
                }
            }
            return errors
        }.value
        #expect(errors == [.joinCurrentThread, .joinCurrentThread])
    }

    @Test func asyncJoinTimeoutForms() async throws {
        let release = Event()
        let thread = try spawn { release.wait() }
        #expect(try await !thread.join(timeout: Delay.short))
        #expect(try await !thread.join(timeout: .zero))
        await #expect(throws: ThreadingError.self) { _ = try await thread.join(timeout: .milliseconds(-1)) }
        #expect(thread.joinerCount == 0)  // the timed-out joiners withdrew
        release.set()
        #expect(try await thread.join(timeout: Delay.bound))
        #expect(try await thread.join(timeout: .zero))
        #expect(try await thread.join(timeout: .seconds(Int64.max)))  // huge: no trap
    }

    @Test func cancelledAsyncJoinThrowsAndWithdraws() async throws {
        let release = Event()
        let thread = try spawn { release.wait() }
        let joiner = inTask { try await thread.join() }
        await waitUntil("the task is listed as a joiner") { thread.joinerCount == 1 }
        joiner.cancel()
        await #expect(throws: CancellationError.self) { try await joiner.value }
        #expect(thread.joinerCount == 0)
        #expect(thread.isAlive)  // cancelling the joiner does not stop the thread
        let timed = inTask { try await thread.join(timeout: Delay.bound) }
        timed.cancel()
        await #expect(throws: CancellationError.self) { _ = try await timed.value }
        release.set()
        try await thread.join()
    }

    @Test func timerThreadHasAsyncJoinToo() async throws {
        let fired = Event()
        let timer = TimerThread(after: .zero) { fired.set() }
        await #expect(throws: ThreadingError.notStarted) { try await timer.join() }
        try timer.start()
        try await timer.join()
        #expect(fired.isSet)
        #expect(try await timer.join(timeout: .zero))
    }
}
