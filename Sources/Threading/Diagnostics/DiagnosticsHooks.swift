import Synchronization

/// The switch every primitive reads before doing any diagnostic work, and the calls the
/// primitives make into the lock-order checker and the tracer.
///
/// With the lock-order checker off and tracing stopped, a primitive pays one relaxed
/// atomic load per operation: `DiagnosticsHooks.isActive`. Every hook below must be called
/// only behind that check:
///
/// ```swift
/// if DiagnosticsHooks.isActive { DiagnosticsHooks.queuePut(self, label: nil) }
/// ```
///
/// `package` so `Multiprocessing` can call the process-pool hooks (and `isActive`);
/// `isActive`, the queue and the future hooks are also usable from `@inlinable` fast paths.
///
/// Building with `-D THREADING_NO_DIAGNOSTICS` makes `isActive` the constant `false`, so
/// the optimiser removes every hook (used to measure what the load costs).
///
/// ## Which primitive calls what
/// - Locks (`Lock`, `RLock`, and so `Condition`'s lock): `lockWillAcquire` before a
///   blocking acquisition, `lockWaitBegan` once it is about to sleep (and
///   `lockGaveUp` if a timed acquisition then times out), `lockDidAcquire`
///   after any successful acquisition (`blocking: false` for `tryAcquire`),
///   `lockWillRelease` *before* the lock word is released. An `RLock` calls them only for
///   its outermost acquisition and its final release (reentrancy adds no edge).
/// - Waits that are not lock acquisitions (condition, event, semaphore, barrier, queue
///   put/get while full/empty, future result, join):
///   `let wait = DiagnosticsHooks.waitBegan(.event, object: self)` before blocking, then
///   `DiagnosticsHooks.waitEnded(wait, satisfied: ok)` after. `waitBegan` returns `nil`
///   unless tracing, and `waitEnded(nil, …)` does nothing.
/// - Signals (hand-offs drawn as arrows): `signaled(.event, object: self)` in `set()`,
///   `notify`, `release`, and by a barrier's last arrival.
/// - Items: `queuePut(self)` / `queueGot(self)` after an item moved.
/// - Futures: `futureSubmitted(future)` on the submitting thread, `futureStarted(future)`
///   and `futureFinished(future, failed:)` on the thread that runs the work.
/// - Process pool: `processTaskDispatched(id:pid:)` when a task is written to a worker,
///   `processTaskFinished(id:pid:failed:)` when its result is read.
/// - Threads: `threadStarted()` first thing on a new thread, `threadEnded()` last.
@usableFromInline
package enum DiagnosticsHooks {
    /// Bit 0: lock-order checking; bit 1: tracing.
    @usableFromInline
    package static let flags = Atomic<UInt8>(0)
    static let lockOrderBit: UInt8 = 1
    static let tracingBit: UInt8 = 2

    @inlinable
    package static var isActive: Bool {
        #if THREADING_NO_DIAGNOSTICS
            false
        #else
            flags.load(ordering: .relaxed) != 0
        #endif
    }

    @inline(__always)
    static var isChecking: Bool { flags.load(ordering: .relaxed) & lockOrderBit != 0 }

    @inline(__always)
    static var isTracing: Bool { flags.load(ordering: .relaxed) & tracingBit != 0 }

    static func setFlag(_ bit: UInt8, _ on: Bool) {
        if on {
            flags.bitwiseOr(bit, ordering: .relaxed)
        } else {
            flags.bitwiseAnd(~bit, ordering: .relaxed)
        }
    }

    // MARK: Lock events (called only when `isActive`)

    /// A blocking acquisition of `lock` is about to start at `site`: the lock-order check
    /// happens here, before the thread can block, so a real deadlock is still reported.
    static func lockWillAcquire(_ lock: LockIdentity, at site: AcquisitionSite) {
        if isChecking { LockOrderChecker.willAcquire(lock, at: site) }
    }

    /// The acquisition found the lock taken and is about to sleep (tracing only: shows a
    /// thread stuck in a deadlock as waiting until the trace ends).
    static func lockWaitBegan(_ lock: LockIdentity) {
        if isTracing { TraceRecorder.record(.lockWaitBegan, object: lock.id, label: lock.name) }
    }

    /// A timed acquisition that called `lockWaitBegan` timed out without the lock.
    static func lockGaveUp(_ lock: LockIdentity) {
        if isTracing { TraceRecorder.record(.lockGaveUp, object: lock.id, label: lock.name) }
    }

    /// `lock` was acquired; `waitedSince` is when the caller began to wait, if it waited.
    /// `blocking: false` for `tryAcquire`, which adds no order edge but is held (later
    /// blocking acquisitions get edges from it, as in lockdep).
    static func lockDidAcquire(
        _ lock: LockIdentity, at site: AcquisitionSite, blocking: Bool,
        waitedSince: ContinuousClock.Instant?
    ) {
        if isChecking { ThreadDiagnostics.currentState.pointee.pushHeld(lock, at: site, blocking: blocking) }
        if isTracing {
            let context = ThreadDiagnostics.current
            let now = TraceClock.now()
            let start = waitedSince.map { TraceClock.ticks(of: $0) } ?? now
            context.record(
                TraceRecord(
                    kind: .lockAcquired, time: now, start: min(start, now), object: lock.id,
                    label: lock.name, value: blocking ? 1 : 0))
        }
    }

    /// `lock` is about to be released by the calling thread (which may not be the thread
    /// that acquired it: a `Lock` is a binary semaphore). Call it before the release
    /// takes effect so no other thread can acquire the lock in between.
    static func lockWillRelease(_ lock: LockIdentity) {
        if isChecking || lock.holderToken.load(ordering: .relaxed) != 0 {
            ThreadDiagnostics.currentState.pointee.popHeld(lock)
        }
        if isTracing { ThreadDiagnostics.current.record(.lockReleased, object: lock.id, label: lock.name) }
    }

    /// Kept for primitives written against the first version of the hooks: the same as
    /// `lockWillRelease` (called after the release, a cross-thread release may be missed).
    static func lockDidRelease(_ lock: LockIdentity) { lockWillRelease(lock) }

    // MARK: Waits (called only when `isActive`)

    /// A thread is about to block in `kind` on `object`; returns what `waitEnded` needs,
    /// or `nil` when not tracing.
    static func waitBegan(_ kind: TraceWaitKind, object: AnyObject, label: String? = nil) -> TraceWait? {
        guard isTracing else { return nil }
        let id = objectID(object)
        let start = TraceClock.now()
        ThreadDiagnostics.current.record(
            TraceRecord(
                kind: .waitBegan, time: start, start: start, object: id, label: label, value: 0,
                waitKind: kind))
        return TraceWait(kind: kind, object: id, label: label, start: start)
    }

    /// The wait `wait` ended; `satisfied` is false on timeout, cancellation or error.
    static func waitEnded(_ wait: TraceWait?, satisfied: Bool) {
        guard let wait, isTracing else { return }
        ThreadDiagnostics.current.record(
            TraceRecord(
                kind: .waitEnded, time: TraceClock.now(), start: wait.start, object: wait.object,
                label: wait.label, value: satisfied ? 1 : 0, waitKind: wait.kind))
    }

    /// Runs `wait`, a blocking wait in `kind` on `object` that returns whether it was
    /// satisfied, traced as one wait when diagnostics are on; only `wait` otherwise.
    @inline(__always)
    static func traced(_ kind: TraceWaitKind, object: AnyObject, _ wait: () -> Bool) -> Bool {
        guard isActive else { return wait() }
        let began = waitBegan(kind, object: object)
        let satisfied = wait()
        waitEnded(began, satisfied: satisfied)
        return satisfied
    }

    /// The calling thread signalled `object` (an event set, a condition notify, a
    /// semaphore release, a barrier's last arrival): a hand-off to its waiters.
    static func signaled(_ kind: TraceWaitKind, object: AnyObject, label: String? = nil) {
        guard isTracing else { return }
        let now = TraceClock.now()
        ThreadDiagnostics.current.record(
            TraceRecord(
                kind: .signaled, time: now, start: now, object: objectID(object), label: label, value: 0,
                waitKind: kind))
    }

    // MARK: Items, futures, processes, threads (called only when `isActive`)

    /// An item was put into the queue `queue`; `count` is its length after the put.
    @usableFromInline
    package static func queuePut(_ queue: AnyObject, count: Int = -1, label: String? = nil) {
        if isTracing {
            TraceRecorder.record(.queuePut, object: objectID(queue), label: label, value: Int64(count))
        }
    }

    /// An item was taken from the queue `queue`; `count` is its length after the get.
    @usableFromInline
    package static func queueGot(_ queue: AnyObject, count: Int = -1, label: String? = nil) {
        if isTracing {
            TraceRecorder.record(.queueGot, object: objectID(queue), label: label, value: Int64(count))
        }
    }

    /// `future` was handed to an executor (on the submitting thread).
    @usableFromInline
    package static func futureSubmitted(_ future: AnyObject, label: String? = nil) {
        if isTracing { TraceRecorder.record(.futureSubmitted, object: objectID(future), label: label) }
    }

    /// The work of `future` starts running on the calling thread.
    @usableFromInline
    package static func futureStarted(_ future: AnyObject, label: String? = nil) {
        if isTracing { TraceRecorder.record(.futureStarted, object: objectID(future), label: label) }
    }

    /// The work of `future` finished on the calling thread (`failed`: it threw or was
    /// cancelled).
    @usableFromInline
    package static func futureFinished(_ future: AnyObject, failed: Bool = false) {
        if isTracing {
            TraceRecorder.record(.futureFinished, object: objectID(future), label: nil, value: failed ? 1 : 0)
        }
    }

    /// Task `id` (unique within the pool's process) was sent to worker `pid`.
    package static func processTaskDispatched(id: UInt64, pid: Int32, label: String? = nil) {
        if isTracing {
            TraceRecorder.record(.processTaskDispatched, object: id, label: label, value: Int64(pid))
        }
    }

    /// The result of task `id` came back from worker `pid` (`failed`: an error or a death).
    package static func processTaskFinished(id: UInt64, pid: Int32, failed: Bool = false) {
        if isTracing {
            TraceRecorder.record(
                .processTaskFinished, object: id, label: nil, value: Int64(pid) | (failed ? 1 << 32 : 0))
        }
    }

    /// First thing on a thread this package started.
    static func threadStarted() {
        if isTracing { TraceRecorder.record(.threadStarted, object: 0, label: nil) }
    }

    /// Last thing on a thread this package started.
    static func threadEnded() {
        if isTracing { TraceRecorder.record(.threadEnded, object: 0, label: nil) }
    }

    /// A stable number for an object while it lives: its address.
    @inline(__always)
    static func objectID(_ object: AnyObject) -> UInt64 {
        UInt64(UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque()))
    }
}
