import Glibc

/// Monotonic time for traces, in nanoseconds since the first use.
///
/// `now()` reads `CLOCK_MONOTONIC` directly (the `Duration` arithmetic of
/// `ContinuousClock` cost a tenth of a traced lock operation); instants a primitive took
/// from `ContinuousClock` are converted relative to the same starting moment, which the
/// two clocks agree on up to a suspend of the machine.
enum TraceClock {
    private static let epoch = (instant: ContinuousClock.now, raw: rawNow())

    @inline(__always)
    static func now() -> Int64 { rawNow() &- epoch.raw }

    static func ticks(of instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (instant - epoch.instant).components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }

    @inline(__always)
    private static func rawNow() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
    }
}
