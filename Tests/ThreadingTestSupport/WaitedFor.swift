import Threading

/// `event.wait(timeout:)` called from a synchronous frame: async tests wait for a thread's
/// signal with a bound this way (the timed blocking form is `noasync`; the test accepts
/// blocking one thread of its own for it).
package func waitedFor(_ event: Event, timeout: Duration = Delay.bound) throws -> Bool {
    try event.wait(timeout: timeout)
}
