import Foundation
import Synchronization
import Testing

@testable import Threading

/// Delays used by tests, named and generous: the machine is a busy 2-core VM.
enum Delay {
    /// Long enough that a thread that was going to run has surely reached its wait.
    static let settle = Duration.milliseconds(50)
    /// A short timeout that a test expects to run out.
    static let short = Duration.milliseconds(20)
    /// The bound on anything a test waits for that should happen "soon".
    static let bound = Duration.seconds(10)
    /// The bound on joining a test's threads: a stress test's threads do seconds of work,
    /// and several times that on a loaded 2-core CI machine (a fair `Semaphore` once ran
    /// past 10 s there). A hang still fails, within the suites' one-minute limit.
    static let join = Duration.seconds(40)
}

/// Stress sizes, scaled down under ThreadSanitizer (`THREADING_TSAN=1`), which is 5–15×
/// slower.
enum Stress {
    static let underTSan = ProcessInfo.processInfo.environment["THREADING_TSAN"] == "1"
    static func size(_ full: Int) -> Int { underTSan ? max(1, full / 10) : full }
}

/// Starts a thread running `body`; the test joins it with `joinAll`.
@discardableResult
func spawn(name: String? = nil, _ body: @escaping @Sendable () throws -> Void) throws -> OSThread {
    let thread = OSThread(name: name, daemon: true, body)
    try thread.start()
    return thread
}

/// Joins every thread within `Delay.join` in all, failing the test for any that did not
/// finish.
func joinAll(_ threads: [OSThread], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let deadline = ContinuousClock.now + Delay.join
    for thread in threads {
        let finished = try thread.join(timeout: max(.zero, deadline - ContinuousClock.now))
        #expect(finished, "thread \(thread.name) did not finish", sourceLocation: sourceLocation)
    }
}

/// A plain integer shared between threads only under the lock a test is checking, so
/// ThreadSanitizer sees any access the lock fails to order.
final class Unguarded: @unchecked Sendable {
    // Guarded by the lock under test, never by itself.
    var value = 0
}

/// A counter threads can bump, for checking what happened.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// Where tests run the tasks they start and then wait for with a bound: a pool of this
/// package's own threads, not Swift's cooperative pool. Swift Testing runs synchronous
/// tests on the cooperative threads (two on a 2-core machine), and blocking stress tests
/// hold them for seconds; a task queued behind them once waited out a 10 s bound under
/// ThreadSanitizer. Running it here also exercises `ThreadPoolExecutor` as a
/// `TaskExecutor`.
enum TestTasks {
    // `try!`: 16 is a valid worker count; the initializer throws only for one below 1.
    static let executor = try! ThreadPoolExecutor(maxWorkers: 16, threadNamePrefix: "TestTasks")
}

/// Starts `body` as a task on `TestTasks.executor`.
func inTask<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Task<T, any Error> {
    Task(executorPreference: TestTasks.executor, operation: body)
}

/// Starts `body`, which cannot throw, as a task on `TestTasks.executor`.
func inTask<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> Task<T, Never> {
    Task(executorPreference: TestTasks.executor, operation: body)
}
