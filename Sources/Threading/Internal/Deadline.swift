/// When a timed wait gives up: computed once, at the call, on `ContinuousClock`.
///
/// A timeout too large to add to the clock (beyond ~68 years) means "never": a huge
/// `Duration` never traps or overflows (API principle 6).
@usableFromInline
package struct Deadline: Sendable {
    /// `nil` means no limit.
    package let instant: ContinuousClock.Instant?

    package static let never = Deadline(instant: nil)

    /// The deadline `timeout` from now; a negative timeout is treated as zero.
    package static func after(_ timeout: Duration) -> Deadline {
        if timeout <= .zero { return Deadline(instant: .now) }
        if timeout.components.seconds >= Deadline.horizonSeconds { return .never }
        return Deadline(instant: .now + timeout)
    }

    /// The deadline for an optional timeout: `nil` is no limit.
    @usableFromInline
    package static func after(_ timeout: Duration?) -> Deadline {
        guard let timeout else { return .never }
        return after(timeout)
    }

    /// Beyond this a wait is unbounded for all practical purposes (2^31 s, about 68 years).
    static let horizonSeconds: Int64 = 1 << 31

    /// Nanoseconds left: -1 for no limit, 0 once passed.
    var remainingNanoseconds: Int64 {
        guard let instant else { return -1 }
        let left = ContinuousClock.now.duration(to: instant)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    package var hasPassed: Bool {
        guard let instant else { return false }
        return ContinuousClock.now >= instant
    }
}

/// Throws `.invalidArgument` for a negative timeout given to a throwing call.
@usableFromInline @inline(__always)
package func checkTimeout(_ timeout: Duration, _ function: StaticString = #function) throws(ThreadingError) {
    if timeout < .zero {
        throw .invalidArgument("\(function): timeout must be non-negative, got \(timeout)")
    }
}
