import Testing

extension Trait where Self == TimeLimitTrait {
    /// The hang guard on every suite. Swift Testing counts a test's time limit from when the
    /// test is scheduled, including the time it waits behind other tests' blocking bodies
    /// for a thread of the cooperative pool (two on this machine): in a whole TSan run on a
    /// loaded 2-core machine, async tests waited 68 s that way. So the guard is sized for
    /// the run, not the test; the waits inside a test have bounds of their own (`Delay`).
    package static var hangGuard: Self { .timeLimit(.minutes(5)) }
}
