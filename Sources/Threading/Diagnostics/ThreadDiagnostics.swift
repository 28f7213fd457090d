import CThreadingShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The diagnostics' per-thread state: the locks the thread holds (for the lock-order
/// checker) and its trace buffer. Reached through a pthread key, so only its own thread
/// ever touches it (no lock needed); the trace buffer it points to is shared with
/// `Tracing.stop()` and has its own, uncontended lock.
final class ThreadDiagnostics {
    /// One lock the thread holds.
    struct Held {
        let lock: LockIdentity
        /// Matches `lock.holderToken` while this acquisition still holds the lock.
        let token: UInt64
        /// `LockOrderChecker.epoch` at the time: entries from before a mode change or
        /// `reset()` are dropped.
        let epoch: UInt64
        let site: AcquisitionSite
        /// False for `tryAcquire`: no edge leads to it, so edges are added from below it.
        let blocking: Bool
    }

    var held: [Held] = []
    /// Edges this thread already put in the graph (generation `knownEdgesGeneration`), so
    /// a repeated nested acquisition does not take the graph's lock.
    var knownEdges: Set<LockOrderGraph.EdgeKey> = []
    var knownEdgesGeneration: UInt64 = 0
    var buffer: TraceBuffer?
    let threadID: Int64

    private init() {
        threadID = cthreading_gettid()
    }

    /// The thread's name now: its `OSThread`'s name if it has one.
    var threadName: String {
        if let thread = OSThread.currentIfKnown { return thread.name }
        if cthreading_is_main_thread() { return "MainThread" }
        return "thread \(threadID)"
    }

    /// The calling thread's diagnostics state, made on first use.
    static var current: ThreadDiagnostics {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<ThreadDiagnostics>.fromOpaque(raw).takeUnretainedValue()
        }
        let made = ThreadDiagnostics()
        _ = pthread_setspecific(key, Unmanaged.passRetained(made).toOpaque())
        return made
    }

    /// Released with the thread; a buffer it filled stays with the trace session.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key) { raw in
            #if canImport(Darwin)
                Unmanaged<ThreadDiagnostics>.fromOpaque(raw).release()
            #else
                guard let raw else { return }
                Unmanaged<ThreadDiagnostics>.fromOpaque(raw).release()
            #endif
        }
        // Only PTHREAD_KEYS_MAX exhaustion fails; the package uses two keys.
        precondition(rc == 0, "pthread_key_create failed: \(rc)")
        return key
    }()

    // MARK: Held locks

    /// Records that the thread now holds `lock`, acquired at `site`.
    func pushHeld(_ lock: LockIdentity, at site: AcquisitionSite, blocking: Bool) {
        let token = LockOrderChecker.nextToken()
        lock.holderToken.store(token, ordering: .relaxed)
        held.append(
            Held(
                lock: lock, token: token, epoch: LockOrderChecker.currentEpoch, site: site, blocking: blocking
            ))
    }

    /// Forgets `lock`. When this thread did not acquire it (a `Lock` released by another
    /// thread), clearing its token marks the acquiring thread's entry stale.
    func popHeld(_ lock: LockIdentity) {
        let token = lock.holderToken.load(ordering: .relaxed)
        if let index = held.lastIndex(where: { $0.lock === lock && $0.token == token }) {
            held.remove(at: index)
        }
        lock.holderToken.store(0, ordering: .relaxed)
    }

    /// Drops entries whose lock was released elsewhere, or that predate a mode change.
    func pruneHeld() {
        let epoch = LockOrderChecker.currentEpoch
        held.removeAll { $0.epoch != epoch || $0.lock.holderToken.load(ordering: .relaxed) != $0.token }
    }

    // MARK: Trace buffer

    func record(_ kind: TraceKind, object: UInt64, label: String?, value: Int64 = 0) {
        let now = TraceClock.now()
        record(TraceRecord(kind: kind, time: now, start: now, object: object, label: label, value: value))
    }

    func record(_ record: TraceRecord) {
        let session = TraceRecorder.session.load(ordering: .acquiring)
        if buffer?.session != session {
            buffer = TraceRecorder.register(threadName: threadName, threadID: threadID)
        }
        buffer?.append(record)
    }
}

/// One thread's records in one tracing session. Appended to by its thread only; the lock
/// is taken by anyone else only once, by `Tracing.stop()`, so it is uncontended.
final class TraceBuffer: Sendable {
    let session: UInt64
    let threadName: String
    let threadID: Int64
    let records = Mutex<[TraceRecord]>([])

    init(session: UInt64, threadName: String, threadID: Int64) {
        self.session = session
        self.threadName = threadName
        self.threadID = threadID
        records.withLock { $0.reserveCapacity(1024) }
    }

    func append(_ record: TraceRecord) {
        records.withLock { $0.append(record) }
    }
}
