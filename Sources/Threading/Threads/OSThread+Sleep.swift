extension OSThread {
    /// Blocks the calling thread for `duration`, Python's `time.sleep`.
    ///
    /// Sleeps in the kernel (a futex wait with a deadline that nothing wakes early) and
    /// returns once `duration` has passed on the monotonic clock. A duration beyond about
    /// 68 years sleeps for good, without trapping. Throws `ThreadingError.invalidArgument`
    /// for a negative duration (Python raises `ValueError`).
    ///
    /// In async code use `try await Task.sleep(for:)`, which suspends the task instead.
    @available(*, noasync, message: "use `try await Task.sleep(for:)`, which does not block a thread")
    public static func sleep(for duration: Duration) throws {
        if duration < .zero {
            throw ThreadingError.invalidArgument(
                "sleep(for:): duration must be non-negative, got \(duration)")
        }
        if duration == .zero { return }
        // A parker nobody else knows of: only its deadline ends the park.
        _ = ThreadParker().park(until: .after(duration))
    }
}
