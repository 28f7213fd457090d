import Foundation
import Testing
import Threading

/// Waits, bounded by `Delay.bound`, until `condition` holds, and records a test issue
/// naming `what` when it never does; returns whether it held. For moments no public event
/// reports (a thread seen listed among a primitive's waiters, a worker gone idle, a thread
/// ended): it blocks on `WaitingChanges`, which every start and end of a wait in the
/// process wakes, and re-checks the condition then; it never checks on a timer. A
/// condition about the test's own state must follow a `WaitingChanges.note()` (or a wait)
/// after that state changes. Tests only.
@discardableResult
package func waitUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
) -> Bool {
    WaitingChanges.enable()
    if WaitingChanges.wait(until: condition, deadline: .now + Delay.bound) { return true }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    return false
}

/// `waitUntil` for async tests: the blocking wait runs on a thread of its own, so no
/// thread of the cooperative pool is held while the tasks it waits for need one.
@discardableResult
package func waitUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @escaping @Sendable () -> Bool
) async -> Bool {
    WaitingChanges.enable()
    let held = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        Thread.detachNewThread {
            continuation.resume(
                returning: WaitingChanges.wait(until: condition, deadline: .now + Delay.bound))
        }
    }
    if held { return true }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    return false
}
