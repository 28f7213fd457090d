import CThreadingShims
import Glibc
import Synchronization

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

    struct State {
        var held: [Held] = []
        /// Edges this thread already put in the graph (generation `knownEdgesGeneration`),
        /// so a repeated nested acquisition does not take the graph's lock.
        var knownEdges: Set<LockOrderGraph.EdgeKey> = []
        var knownEdgesGeneration: UInt64 = 0
        var buffer: TraceBuffer?
        /// Tokens are this thread's serial number (high bits) and a counter: unique
        /// without a shared atomic that the threads would fight over.
        var nextToken: UInt64

        /// Records that the thread now holds `lock`, acquired at `site`.
        mutating func pushHeld(_ lock: LockIdentity, at site: AcquisitionSite, blocking: Bool) {
            nextToken &+= 1
            lock.holderToken.store(nextToken, ordering: .relaxed)
            held.append(
                Held(
                    lock: lock, token: nextToken, epoch: LockOrderChecker.currentEpoch, site: site,
                    blocking: blocking))
        }

        /// Forgets `lock`. When this thread did not acquire it (a `Lock` released by
        /// another thread), clearing its token marks the acquiring thread's entry stale.
        mutating func popHeld(_ lock: LockIdentity) {
            let token = lock.holderToken.load(ordering: .relaxed)
            if let last = held.last, last.lock === lock, last.token == token {
                // The common case: released in the reverse order of acquisition.
                held.removeLast()
            } else if let index = held.lastIndex(where: { $0.lock === lock && $0.token == token }) {
                held.remove(at: index)
            }
            lock.holderToken.store(0, ordering: .relaxed)
        }

        /// Drops entries whose lock was released elsewhere, or that predate a mode change.
        mutating func pruneHeld() {
            if held.isEmpty { return }
            let epoch = LockOrderChecker.currentEpoch
            held.removeAll { $0.epoch != epoch || $0.lock.holderToken.load(ordering: .relaxed) != $0.token }
        }
    }

    /// Touched only by the owning thread. Behind a pointer rather than in stored `var`s
    /// because class properties pay a dynamic exclusivity check per access, which was a
    /// fifth of the checker's cost per acquisition.
    let state: UnsafeMutablePointer<State>
    let threadID: Int64

    private static let serials = Atomic<UInt64>(1)

    private init() {
        threadID = cthreading_gettid()
        state = .allocate(capacity: 1)
        let serial = Self.serials.add(1, ordering: .relaxed).newValue
        state.initialize(to: State(nextToken: serial << 32))
        state.pointee.held.reserveCapacity(8)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The thread's name now: its `OSThread`'s name if it has one.
    var threadName: String {
        if let thread = OSThread.currentIfKnown { return thread.name }
        if cthreading_is_main_thread() { return "MainThread" }
        return "thread \(threadID)"
    }

    /// The calling thread's diagnostics state, made on first use.
    static var current: ThreadDiagnostics {
        if let existing = slot.value { return existing }
        let made = ThreadDiagnostics()
        slot.set(made)
        return made
    }

    /// The calling thread's state, without retaining its owner: the thread's slot keeps
    /// it alive until the thread exits, and only this thread uses it.
    @inline(__always)
    static var currentState: UnsafeMutablePointer<State> {
        slot.withValue { $0.state } ?? current.state
    }

    /// Released with the thread; a buffer it filled stays with the trace session.
    private static let slot = ThreadSlot<ThreadDiagnostics> { raw in
        guard let raw else { return }
        Unmanaged<ThreadDiagnostics>.fromOpaque(raw).release()
    }

    // MARK: Trace buffer

    func record(_ kind: TraceKind, object: UInt64, label: String?, value: Int64 = 0) {
        let now = TraceClock.now()
        record(TraceRecord(kind: kind, time: now, start: now, object: object, label: label, value: value))
    }

    func record(_ record: TraceRecord) {
        let session = TraceRecorder.session.load(ordering: .acquiring)
        if state.pointee.buffer?.session != session {
            state.pointee.buffer = TraceRecorder.register(threadName: threadName, threadID: threadID)
        }
        state.pointee.buffer?.append(record)
    }
}

/// One thread's records in one tracing session. Appended to by its thread only; the lock
/// is taken by anyone else only once, by `Tracing.stop()`, so it is uncontended.
///
/// Records go into fixed-size chunks, so a long trace never copies what it has recorded
/// (a growing array's copies and page faults were a fifth of the cost per record).
final class TraceBuffer: Sendable {
    struct Chunks {
        var full: [[TraceRecord]] = []
        var current: [TraceRecord] = []
    }

    static let chunkSize = 4096

    let session: UInt64
    let threadName: String
    let threadID: Int64
    private let chunks = StateLock(Chunks())

    init(session: UInt64, threadName: String, threadID: Int64) {
        self.session = session
        self.threadName = threadName
        self.threadID = threadID
        chunks.withLock { $0.current.reserveCapacity(256) }
    }

    func append(_ record: TraceRecord) {
        chunks.withLock { chunks in
            if chunks.current.count == chunks.current.capacity, chunks.current.count >= 256 {
                chunks.full.append(chunks.current)
                chunks.current = []
                chunks.current.reserveCapacity(Self.chunkSize)
            }
            chunks.current.append(record)
        }
    }

    /// Every record, in order.
    var records: [TraceRecord] {
        chunks.withLock { chunks in
            var all: [TraceRecord] = []
            all.reserveCapacity(chunks.full.reduce(chunks.current.count) { $0 + $1.count })
            for chunk in chunks.full { all += chunk }
            all += chunks.current
            return all
        }
    }
}
