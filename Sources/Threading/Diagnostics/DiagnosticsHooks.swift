import Synchronization

/// The switch every primitive reads before doing any diagnostic work.
///
/// With the lock-order checker off and tracing stopped, a primitive pays one relaxed
/// atomic load per operation: `DiagnosticsHooks.isActive`.
enum DiagnosticsHooks {
    /// Bit 0: lock-order checking; bit 1: tracing.
    static let flags = Atomic<UInt8>(0)
    static let lockOrderBit: UInt8 = 1
    static let tracingBit: UInt8 = 2

    @inline(__always)
    static var isActive: Bool { flags.load(ordering: .relaxed) != 0 }

    static func setFlag(_ bit: UInt8, _ on: Bool) {
        if on {
            flags.bitwiseOr(bit, ordering: .relaxed)
        } else {
            flags.bitwiseAnd(~bit, ordering: .relaxed)
        }
    }

    // MARK: Lock events (called only when `isActive`)

    /// A blocking acquisition of `lock` is about to start at `site`.
    static func lockWillAcquire(_ lock: LockIdentity, at site: AcquisitionSite) {}

    /// `lock` was acquired; `waitedSince` is when the caller began to wait, if it waited.
    static func lockDidAcquire(
        _ lock: LockIdentity, at site: AcquisitionSite, blocking: Bool,
        waitedSince: ContinuousClock.Instant?
    ) {}

    /// `lock` was released.
    static func lockDidRelease(_ lock: LockIdentity) {}
}

/// What the diagnostics know about one lock: a stable id and a name for reports.
final class LockIdentity: Sendable {
    let id: UInt64
    /// `name:` given at init, else where the lock was created.
    let name: String
    let kind: StaticString

    private static let counter = Atomic<UInt64>(1)

    init(kind: StaticString, name: String?, file: String, line: Int) {
        id = Self.counter.wrappingAdd(1, ordering: .relaxed).oldValue
        self.kind = kind
        self.name = name ?? "\(kind)@\(file):\(line)"
    }
}
