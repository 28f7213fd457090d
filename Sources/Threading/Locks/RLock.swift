import Synchronization

/// A reentrant lock, Python's `threading.RLock`.
///
/// The thread that holds it may acquire it again; each `acquire` needs its own `release`,
/// and the lock is free once the last one is released. Only the owning thread may release
/// it: a release from any other thread, or of a free `RLock`, throws `.notOwner`. Not fair:
/// a thread that arrives while the lock is free may take it before a sleeping waiter.
///
/// - Blocking: `acquire()` of a held lock sleeps in the kernel (a futex) at once, and
///   is woken by the owner's last `release()`.
/// - Ends: `acquire()` returns holding the lock; `acquire(timeout:)` returns `false` when
///   the time ran out (a result, not an error); `tryAcquire()` never blocks.
/// - Happens-before: everything a thread did before its last `release()` is visible to
///   the thread whose `acquire` takes the lock next.
public final class RLock: Lockable, CustomStringConvertible {
    // The futex mutex protocol of `FutexWord+Mutex.swift`: 0 free, 1 held, 2 held and a
    // thread may sleep on the word.
    private let word = FutexWord(0)
    // pthread_self() of the owner, 0 when free. Written only by the owning thread while it
    // holds `word`, so a thread that reads its own ident here is the owner, whatever the
    // memory order; relaxed accesses suffice (`word` orders the protected data).
    private let owner = Atomic<UInt64>(0)
    // How many times the owner acquired it. Touched only by the owner, so relaxed.
    private let depth = Atomic<Int>(0)
    let identity: LockIdentity

    /// Makes a free lock. `name` appears in diagnostics; without one, the place the lock
    /// was created does.
    public init(name: String? = nil, file: String = #fileID, line: Int = #line) {
        identity = LockIdentity(kind: "RLock", name: name, file: file, line: line)
    }

    /// The lock's name in diagnostics.
    public var name: String { identity.name }

    /// Whether some thread holds the lock: a snapshot that may be stale on return.
    public var isLocked: Bool { word.load() != 0 }

    /// How many times the calling thread holds the lock (0 when it does not): Python's
    /// `_recursion_count()`.
    public var recursionCount: Int {
        owner.load(ordering: .relaxed) == ThreadShim.selfIdent() ? depth.load(ordering: .relaxed) : 0
    }

    public var description: String {
        "<RLock \(name) \(isLocked ? "locked" : "unlocked")>"
    }

    /// Blocks until the lock is acquired; returns at once when the calling thread already
    /// holds it (the recursion count goes up by one).
    @inline(__always)
    public func acquire() {
        _acquire(at: .unknown)
    }

    @inline(__always)
    public func _acquire(at site: AcquisitionSite) {
        let me = ThreadShim.selfIdent()
        if owner.load(ordering: .relaxed) == me {
            // Re-entry: no diagnostics, so the lock-order checker sees no false edge.
            depth.wrappingAdd(1, ordering: .relaxed)
            return
        }
        if DiagnosticsHooks.isActive {
            acquireObserved(me, depth: 1, at: site)
            return
        }
        if !word.mutexTryLock() { _ = word.mutexLockSlow(deadline: .never) }
        becomeOwner(me, depth: 1)
    }

    /// Takes the lock if it is free or already held by the calling thread; never blocks.
    public func tryAcquire() -> Bool {
        let me = ThreadShim.selfIdent()
        if owner.load(ordering: .relaxed) == me {
            depth.wrappingAdd(1, ordering: .relaxed)
            return true
        }
        guard word.mutexTryLock() else { return false }
        becomeOwner(me, depth: 1)
        if DiagnosticsHooks.isActive {
            DiagnosticsHooks.lockDidAcquire(identity, at: .unknown, blocking: false, waitedSince: nil)
        }
        return true
    }

    /// Blocks at most `timeout`; returns `false` when the time ran out without the lock.
    /// Returns `true` at once when the calling thread already holds it. A zero timeout is
    /// `tryAcquire()`. Throws `.invalidArgument` for a negative timeout.
    public func acquire(timeout: Duration) throws -> Bool {
        try checkTimeout(timeout)
        let me = ThreadShim.selfIdent()
        if owner.load(ordering: .relaxed) == me {
            depth.wrappingAdd(1, ordering: .relaxed)
            return true
        }
        if timeout == .zero { return tryAcquire() }
        let observed = DiagnosticsHooks.isActive
        // A timed acquisition can stall for its whole timeout, so it adds order edges.
        if observed { DiagnosticsHooks.lockWillAcquire(identity, at: .unknown) }
        var start: ContinuousClock.Instant?
        var taken = word.mutexTryLock()
        if !taken {
            if observed {
                start = .now
                DiagnosticsHooks.lockWaitBegan(identity)
            }
            taken = word.mutexLockSlow(deadline: .after(timeout))
            if !taken, observed { DiagnosticsHooks.lockGaveUp(identity) }
        }
        guard taken else { return false }
        becomeOwner(me, depth: 1)
        if observed {
            DiagnosticsHooks.lockDidAcquire(identity, at: .unknown, blocking: true, waitedSince: start)
        }
        return true
    }

    /// Undoes one `acquire`; the lock becomes free (and one sleeping waiter is woken) when
    /// the recursion count reaches zero. Throws `.notOwner` when the calling thread does not
    /// hold the lock.
    public func release() throws {
        guard owner.load(ordering: .relaxed) == ThreadShim.selfIdent() else {
            throw ThreadingError.notOwner
        }
        let count = depth.load(ordering: .relaxed)
        if count > 1 {
            depth.store(count - 1, ordering: .relaxed)
            return
        }
        unlock()
    }

    /// Whether the calling thread holds the lock.
    public func _isOwned() -> Bool {
        owner.load(ordering: .relaxed) == ThreadShim.selfIdent()
    }

    /// Releases the lock completely, however many times the caller acquired it; returns
    /// the recursion count for `_acquireRestore`. Throws `.notOwner` when the calling
    /// thread does not hold it.
    public func _releaseSave() throws -> Int {
        guard owner.load(ordering: .relaxed) == ThreadShim.selfIdent() else {
            throw ThreadingError.notOwner
        }
        let count = depth.load(ordering: .relaxed)
        unlock()
        return count
    }

    /// Blocks until the lock is acquired, then restores the recursion count `saved`.
    public func _acquireRestore(_ saved: Int) {
        let me = ThreadShim.selfIdent()
        let count = max(saved, 1)
        if DiagnosticsHooks.isActive {
            acquireObserved(me, depth: count, at: .unknown)
            return
        }
        if !word.mutexTryLock() { _ = word.mutexLockSlow(deadline: .never) }
        becomeOwner(me, depth: count)
    }

    @inline(__always)
    private func becomeOwner(_ me: UInt64, depth count: Int) {
        owner.store(me, ordering: .relaxed)
        depth.store(count, ordering: .relaxed)
    }

    /// The owner's last release: forget the owner, then free the word (which publishes
    /// the protected data to the next owner).
    @inline(__always)
    private func unlock() {
        depth.store(0, ordering: .relaxed)
        owner.store(0, ordering: .relaxed)
        // Told before the word is freed, so no other thread's acquisition comes between.
        if DiagnosticsHooks.isActive { DiagnosticsHooks.lockWillRelease(identity) }
        _ = word.mutexUnlock()
    }

    private func acquireObserved(_ me: UInt64, depth count: Int, at site: AcquisitionSite) {
        DiagnosticsHooks.lockWillAcquire(identity, at: site)
        var start: ContinuousClock.Instant?
        if !word.mutexTryLock() {
            start = .now
            DiagnosticsHooks.lockWaitBegan(identity)
            _ = word.mutexLockSlow(deadline: .never)
        }
        becomeOwner(me, depth: count)
        DiagnosticsHooks.lockDidAcquire(identity, at: site, blocking: true, waitedSince: start)
    }
}
