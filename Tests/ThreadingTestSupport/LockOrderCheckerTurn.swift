import Synchronization

/// The lock-order checker is process-wide (one mode, one report handler, one graph), and
/// every test target runs in one process. A test that sets the checker up takes this turn
/// for as long as it uses it, so the checker's own suite and the lab's deadlock scenario
/// never change it under each other. A `Mutex`, not a `Lock`: the checker does not see it.
/// Tests only.
package enum LockOrderCheckerTurn {
    private static let turn = Mutex<Void>(())

    /// Runs `body` while no other test uses the checker; blocks until the turn is free.
    package static func take<R: Sendable>(_ body: () throws -> R) throws -> R {
        try turn.withLock { _ throws -> R in try body() }
    }
}
