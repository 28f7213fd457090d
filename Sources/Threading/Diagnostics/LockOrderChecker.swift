import Glibc
import Synchronization

/// The lock-order checker's machinery behind `LockOrderChecking`.
enum LockOrderChecker {
    private struct Books {
        var graph = LockOrderGraph()
        var handler: (@Sendable (LockOrderViolation) -> Void)?
    }

    private static let books = StateLock(Books())
    /// 0 off, 1 report, 2 abort.
    private static let modeRaw = Atomic<UInt8>(0)
    /// Bumped by a mode change and by `reset()`: held-lock entries from before are dropped.
    private static let epoch = Atomic<UInt64>(1)
    /// Bumped by `reset()`: threads' caches of known edges are dropped.
    private static let graphGeneration = Atomic<UInt64>(1)

    /// Exit status of `.abort`: EX_SOFTWARE.
    static let abortStatus: Int32 = 70

    static var mode: LockOrderChecking.Mode {
        switch modeRaw.load(ordering: .relaxed) {
        case 1: .report
        case 2: .abort
        default: .off
        }
    }

    static func setMode(_ mode: LockOrderChecking.Mode) {
        let raw: UInt8 =
            switch mode {
            case .off: 0
            case .report: 1
            case .abort: 2
            }
        modeRaw.store(raw, ordering: .relaxed)
        epoch.add(1, ordering: .relaxed)
        DiagnosticsHooks.setFlag(DiagnosticsHooks.lockOrderBit, mode != .off)
    }

    static func setReportHandler(_ handler: @escaping @Sendable (LockOrderViolation) -> Void) {
        books.withLock { $0.handler = handler }
    }

    static func reset() {
        books.withLock { $0.graph = LockOrderGraph() }
        graphGeneration.add(1, ordering: .relaxed)
        epoch.add(1, ordering: .relaxed)
    }

    static var currentEpoch: UInt64 { epoch.load(ordering: .relaxed) }

    /// Before a blocking acquisition of `lock` at `site`: adds an edge from every lock the
    /// thread holds, and reports any cycle the new edges close.
    static func willAcquire(_ lock: LockIdentity, at site: AcquisitionSite) {
        let state = ThreadDiagnostics.currentState
        if state.pointee.held.isEmpty { return }
        state.pointee.pruneHeld()
        if state.pointee.held.isEmpty { return }
        // Already held by this thread: reentrancy (or a self-deadlock), never an edge.
        if state.pointee.held.contains(where: { $0.lock === lock }) { return }
        let generation = graphGeneration.load(ordering: .relaxed)
        if state.pointee.knownEdgesGeneration != generation {
            state.pointee.knownEdges = []
            state.pointee.knownEdgesGeneration = generation
        }
        var fresh: [LockOrderGraph.Edge] = []
        var thread: (name: String, id: Int64)?
        // As lockdep does: an edge from the most recently acquired lock, and from the
        // locks below it down to the first one taken by a blocking acquisition (edges
        // from locks further down already lead to it, so the order is implied).
        for held in state.pointee.held.reversed() {
            let key = LockOrderGraph.EdgeKey(from: held.lock.id, to: lock.id)
            if state.pointee.knownEdges.insert(key).inserted {
                let (threadName, threadID) =
                    thread
                    ?? {
                        let context = ThreadDiagnostics.current
                        thread = (context.threadName, context.threadID)
                        return (context.threadName, context.threadID)
                    }()
                fresh.append(
                    LockOrderGraph.Edge(
                        from: held.lock.id, to: lock.id, fromName: held.lock.name, toName: lock.name,
                        fromSite: held.site, toSite: site, threadName: threadName, threadID: threadID))
            }
            if held.blocking { break }
        }
        guard !fresh.isEmpty else { return }
        let (cycles, handler) = books.withLock { books in
            let found = fresh.compactMap { books.graph.add($0) }
            return (found.sorted { $0.count < $1.count }, books.handler)
        }
        for cycle in cycles {
            report(LockOrderViolation(edges: cycle), handler: handler)
        }
    }

    private static func report(
        _ violation: LockOrderViolation, handler: (@Sendable (LockOrderViolation) -> Void)?
    ) {
        if let handler {
            handler(violation)
        } else {
            StandardError.write(violation.description)
        }
        if mode == .abort {
            StandardError.write("THREADING_LOCK_ORDER=abort: ending the process\n")
            _exit(abortStatus)
        }
    }
}
