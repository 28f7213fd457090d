import Testing
import Threading

/// Starts a daemon thread running `body`; the test joins it with `joinAll`.
@discardableResult
package func spawn(name: String? = nil, _ body: @escaping @Sendable () throws -> Void) throws -> OSThread {
    let thread = OSThread(name: name, daemon: true, body)
    try thread.start()
    return thread
}

/// Joins every thread within `Delay.join` in all, failing the test for any that did not
/// finish.
package func joinAll(_ threads: [OSThread], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let deadline = ContinuousClock.now + Delay.join
    for thread in threads {
        let finished = try thread.join(timeout: max(.zero, deadline - ContinuousClock.now))
        #expect(finished, "thread \(thread.name) did not finish", sourceLocation: sourceLocation)
    }
}
