import Foundation
import Testing

/// Waits, bounded by `Delay.bound`, until `condition` holds, and records a test issue
/// naming `what` when it never does; returns whether it held. For moments no event can
/// report (a thread seen listed among a primitive's waiters, a child process gone): it
/// checks the state every 200 µs, it does not sleep a fixed time and hope. Tests only.
@discardableResult
package func waitUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
) -> Bool {
    let deadline = ContinuousClock.now + Delay.bound
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(200)
    }
    if condition() { return true }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    return false
}

/// `waitUntil` for async tests: suspends between checks instead of blocking a thread of
/// the cooperative pool, so the tasks it waits for get one.
@discardableResult
package func waitUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + Delay.bound
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .microseconds(200))
    }
    if condition() { return true }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    return false
}
