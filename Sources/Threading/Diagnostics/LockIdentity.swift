import Synchronization

/// What the diagnostics know about one lock: a stable id and a name for reports.
final class LockIdentity: Sendable {
    let id: UInt64
    /// `name:` given at init, else where the lock was created.
    let name: String
    let kind: StaticString
    /// The token of the held-stack entry of the acquisition that holds the lock now, or 0.
    /// A release on another thread than the acquiring one clears it, so the acquiring
    /// thread's entry is recognised as stale instead of corrupting its stack.
    let holderToken = Atomic<UInt64>(0)

    private static let counter = Atomic<UInt64>(1)

    init(kind: StaticString, name: String?, file: String, line: Int) {
        id = Self.counter.wrappingAdd(1, ordering: .relaxed).oldValue
        self.kind = kind
        self.name = name ?? "\(kind)@\(file):\(line)"
        // The environment (THREADING_LOCK_ORDER) is read when the first lock is made.
        LockOrderChecking.readEnvironmentOnce()
    }
}
