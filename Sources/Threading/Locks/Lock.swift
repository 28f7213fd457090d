import CThreadingShims

/// A primitive lock, Python's `threading.Lock`.
///
/// Not reentrant: acquiring it again from the thread that holds it blocks (a deadlock the
/// lock-order checker can point out). Any thread may release it, as in Python, so it also
/// serves as a binary semaphore. Not fair: a thread that arrives while the lock is free
/// may take it before a sleeping waiter, which keeps contended throughput high.
///
/// - Blocking: `acquire()` of a held lock sleeps in the kernel (a futex) at once, and
///   is woken by a `release()`.
/// - Happens-before: everything a thread did before `release()` is visible to the thread
///   whose `acquire` takes the lock next.
public final class Lock: Lockable, CustomStringConvertible {
    // 0: unlocked; 1: locked, no sleeper; 2: locked, a thread may sleep on the word.
    @usableFromInline let word = FutexWord(0)
    let identity: LockIdentity

    /// Makes an unlocked lock. `name` appears in diagnostics; without one, the place the
    /// lock was created does.
    public init(name: String? = nil, file: String = #fileID, line: Int = #line) {
        identity = LockIdentity(kind: "Lock", name: name, file: file, line: line)
    }

    /// The lock's name in diagnostics.
    public var name: String { identity.name }

    /// Whether some thread holds the lock: a snapshot that may be stale on return.
    public var isLocked: Bool { word.load() != 0 }

    public var description: String { "<Lock \(name) \(isLocked ? "locked" : "unlocked")>" }

    /// Blocks until the lock is acquired.
    @inlinable
    public func acquire() {
        // The uncontended path alone, inlined in the caller: with the slow path inlined
        // here, every call paid two metadata look-ups and a dynamic stack allocation for
        // the `Deadline` locals (ContinuousClock.Instant is resilient); as a call, it paid
        // a call and a stack-protector check. W4 figures in the Locks article,
        // "Performance".
        if !DiagnosticsHooks.isActive, word.compareExchange(expected: 0, desired: 1).exchanged { return }
        acquireOutOfLine()
    }

    @usableFromInline @inline(never)
    func acquireOutOfLine() {
        _acquire(at: .unknown)
    }

    @inline(__always)
    public func _acquire(at site: AcquisitionSite) {
        if DiagnosticsHooks.isActive {
            acquireObserved(at: site)
            return
        }
        if word.compareExchange(expected: 0, desired: 1).exchanged { return }
        acquireContended()
    }

    /// Out of line so the fast path does not set up a `Deadline` (whose layout is only
    /// known at run time: its metadata accessor ran on every uncontended acquire).
    @inline(never)
    private func acquireContended() {
        _ = acquireSlow(deadline: .never)
    }

    /// Takes the lock if it is free; never blocks. Adds no lock-order edge (it cannot
    /// deadlock).
    public func tryAcquire() -> Bool {
        let taken = word.compareExchange(expected: 0, desired: 1).exchanged
        if taken, DiagnosticsHooks.isActive {
            DiagnosticsHooks.lockDidAcquire(identity, at: .unknown, blocking: false, waitedSince: nil)
        }
        return taken
    }

    /// Blocks at most `timeout`; returns `false` when the time ran out without the lock.
    /// A zero timeout is `tryAcquire()`. Throws `.invalidArgument` for a negative timeout.
    public func acquire(timeout: Duration) throws -> Bool {
        try acquire(timeout: timeout, at: .unknown)
    }

    func acquire(timeout: Duration, at site: AcquisitionSite) throws -> Bool {
        try checkTimeout(timeout)
        if timeout == .zero { return tryAcquire() }
        let observed = DiagnosticsHooks.isActive
        // A timed acquisition can stall for its whole timeout, so it adds order edges.
        if observed { DiagnosticsHooks.lockWillAcquire(identity, at: site) }
        var start: ContinuousClock.Instant?
        var taken = word.compareExchange(expected: 0, desired: 1).exchanged
        if !taken {
            if observed {
                start = .now
                DiagnosticsHooks.lockWaitBegan(identity)
            }
            taken = acquireSlow(deadline: .after(timeout))
            if !taken, observed { DiagnosticsHooks.lockGaveUp(identity) }
        }
        if taken, observed {
            DiagnosticsHooks.lockDidAcquire(identity, at: site, blocking: true, waitedSince: start)
        }
        return taken
    }

    /// Releases the lock and wakes one sleeping waiter, if any. Any thread may release.
    /// Throws `.releaseUnlocked` when the lock is not locked.
    @inlinable
    public func release() throws {
        // Inlined like `acquire()`: the decrement, and a call only to wake a sleeper, to
        // report a release of a free lock, or when diagnostics are on.
        if !DiagnosticsHooks.isActive {
            if word.mutexUnlock() { return }
            throw ThreadingError.releaseUnlocked
        }
        try releaseOutOfLine()
    }

    /// A release with diagnostics on, or of a lock that was not locked.
    @usableFromInline @inline(never)
    func releaseOutOfLine() throws {
        if DiagnosticsHooks.isActive {
            // Told before the word changes, so no other thread's acquisition comes between.
            if word.load() == 0 { throw ThreadingError.releaseUnlocked }
            DiagnosticsHooks.lockWillRelease(identity)
            if !word.mutexUnlock() { throw ThreadingError.releaseUnlocked }
            return
        }
        // Diagnostics were switched off since `release()` looked: release as it would.
        if !word.mutexUnlock() { throw ThreadingError.releaseUnlocked }
    }

    private func acquireObserved(at site: AcquisitionSite) {
        DiagnosticsHooks.lockWillAcquire(identity, at: site)
        var start: ContinuousClock.Instant?
        if !word.compareExchange(expected: 0, desired: 1).exchanged {
            start = .now
            DiagnosticsHooks.lockWaitBegan(identity)
            _ = acquireSlow(deadline: .never)
        }
        DiagnosticsHooks.lockDidAcquire(identity, at: site, blocking: true, waitedSince: start)
    }

    /// The futex mutex's slow path (`FutexWord+Mutex.swift`), shared with `RLock`.
    @inline(__always)
    private func acquireSlow(deadline: Deadline) -> Bool {
        word.mutexLockSlow(deadline: deadline)
    }
}
