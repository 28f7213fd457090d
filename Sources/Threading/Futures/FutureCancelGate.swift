/// For executors whose pending work may already be on its way to another process:
/// `Future.cancel()` of a pending future asks the gate whether that work can still be
/// stopped before it starts.
///
/// Called under the future's lock, so it must not block, call into the future, or take a
/// lock that is held while calling into futures.
package protocol FutureCancelGate: AnyObject, Sendable {
    /// `true`: the work will never start (the future becomes cancelled); `false`: it has
    /// started, and `cancel()` is refused.
    func closeBeforeStart() -> Bool
}
