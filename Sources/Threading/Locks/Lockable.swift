/// Where a lock was acquired, captured at the call site for diagnostics.
public struct AcquisitionSite: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int

    public init(file: String = #fileID, line: Int = #line) {
        self.file = file
        self.line = line
    }

    /// A site for acquisitions whose call site is not known.
    public static let unknown = AcquisitionSite(file: "?", line: 0)

    public var description: String { "\(file):\(line)" }
}

/// A lock a thread can acquire and release: `Lock`, `RLock`, `Condition`.
///
/// `acquire()` blocks until the lock is free; `acquire(timeout:)` gives up after the
/// timeout and returns `false` (a result, not an error); `tryAcquire()` never blocks.
///
/// Members whose names begin with an underscore (`_acquire(at:)`, `_isOwned()`,
/// `_releaseSave()`, `_acquireRestore(_:)`) are not API, as in swift-nio: they let
/// `Condition` and the lock-order checker work with the package's own locks, as CPython's
/// `_release_save` and `_is_owned` do. Their defaults suit any lock of your own; do not
/// call or override them, since they may change in any release.
public protocol Lockable: AnyObject, Sendable {
    /// Blocks until the lock is acquired.
    func acquire()
    /// Acquires the lock if it is free at once; never blocks.
    func tryAcquire() -> Bool
    /// Blocks at most `timeout`; `false` when the time ran out. Throws
    /// `ThreadingError.invalidArgument` for a negative timeout.
    func acquire(timeout: Duration) throws -> Bool
    /// Releases the lock.
    func release() throws

    /// Acquires, recording `site` for the lock-order checker. For this package's locks;
    /// the default calls `acquire()`.
    func _acquire(at site: AcquisitionSite)
    /// Condition support: whether the calling thread holds the lock.
    func _isOwned() -> Bool
    /// Condition support: releases the lock completely, returning what `_acquireRestore`
    /// needs to take it back (an `RLock`'s recursion count).
    func _releaseSave() throws -> Int
    /// Condition support: re-acquires after `_releaseSave`.
    func _acquireRestore(_ saved: Int)
}

extension Lockable {
    public func _acquire(at site: AcquisitionSite) { acquire() }

    /// Python's rule for locks that do not track an owner: held if it cannot be taken now.
    public func _isOwned() -> Bool {
        if tryAcquire() {
            try? release()
            return false
        }
        return true
    }

    public func _releaseSave() throws -> Int {
        try release()
        return 1
    }

    public func _acquireRestore(_ saved: Int) { acquire() }

    /// Runs `body` holding the lock (Python's `with lock:`), releasing it however `body`
    /// ends. `file` and `line` tell the lock-order checker where the lock was taken.
    @inlinable
    public func withLock<R>(
        file: String = #fileID, line: Int = #line, _ body: () throws -> R
    ) rethrows -> R {
        _acquire(at: AcquisitionSite(file: file, line: line))
        defer { try? release() }
        return try body()
    }
}
