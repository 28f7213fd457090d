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

/// Waits, bounded by `Delay.bound`, until `condition` holds — e.g. until a thread is seen
/// listed in a primitive's waiters, a moment no event can report — and says whether it
/// held. Tests only: it polls, every 200 µs.
func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + Delay.bound
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(200)
    }
    return condition()
}

/// `eventually` for async tests: suspends between checks instead of blocking a thread of
/// the cooperative pool.
func eventuallyInTask(_ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + Delay.bound
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .microseconds(200))
    }
    return condition()
}

/// Starts `body` as a task at high priority, the way tests start the tasks they then wait
/// for with a bound.
///
/// Swift Testing runs synchronous tests on the cooperative threads of the default
/// priority (two on a 2-core machine), and blocking stress tests hold them for seconds: a
/// task of the default priority queued behind them once waited out a 10 s bound under
/// ThreadSanitizer. On Linux each priority has threads of its own, so a high-priority
/// task starts at once (measured: 0.3 ms while eight blocking default-priority tasks made
/// another default-priority one wait 11.7 s).
func inTask<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Task<T, any Error> {
    Task(priority: .high, operation: body)
}

/// `inTask` for a body that cannot throw.
func inTask<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> Task<T, Never> {
    Task(priority: .high, operation: body)
}

/// `event.wait(timeout:)` called from a synchronous frame: async tests wait for a thread's
/// signal with a bound this way (the timed blocking form is `noasync`; the test accepts
/// blocking one thread of its own for it).
func waitedFor(_ event: Event, timeout: Duration = Delay.bound) throws -> Bool {
    try event.wait(timeout: timeout)
}
