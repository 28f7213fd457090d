import Synchronization

/// The books of the tracing session: which per-thread buffers belong to it.
///
/// The hot path (`ThreadDiagnostics.record`) takes only its own buffer's uncontended lock;
/// this registry's lock is taken once per thread per session, when the thread first
/// records, and by `start()` / `stop()`.
enum TraceRecorder {
    private struct Books {
        var active = false
        var session: UInt64 = 0
        var startedAt: Int64 = 0
        var buffers: [TraceBuffer] = []
    }

    private static let books = StateLock(Books())
    /// The current session number; a thread whose buffer has another number registers a
    /// new one. Changes under `books`' lock; read without it on the hot path.
    static let session = Atomic<UInt64>(0)

    static func record(_ kind: TraceKind, object: UInt64, label: String?, value: Int64 = 0) {
        ThreadDiagnostics.current.record(kind, object: object, label: label, value: value)
    }

    /// A new buffer for the calling thread in the current session, or `nil` when no
    /// session is running.
    static func register(threadName: String, threadID: Int64) -> TraceBuffer? {
        books.withLock { books in
            guard books.active else { return nil }
            let buffer = TraceBuffer(session: books.session, threadName: threadName, threadID: threadID)
            books.buffers.append(buffer)
            return buffer
        }
    }

    /// Starts a session, discarding one that was running.
    static func start() {
        books.withLock { books in
            books.session += 1
            books.active = true
            books.buffers = []
            books.startedAt = TraceClock.now()
            session.store(books.session, ordering: .releasing)
        }
        DiagnosticsHooks.setFlag(DiagnosticsHooks.tracingBit, true)
    }

    /// Ends the session and collects every buffer. Records a thread makes while `stop()`
    /// runs may or may not be included.
    static func stop() -> Trace {
        DiagnosticsHooks.setFlag(DiagnosticsHooks.tracingBit, false)
        let (buffers, startedAt) = books.withLock { books in
            let taken = books.active ? books.buffers : []
            books.active = false
            books.session += 1
            books.buffers = []
            session.store(books.session, ordering: .releasing)
            return (taken, books.startedAt)
        }
        let endedAt = TraceClock.now()
        let threads = buffers.map { buffer in
            Trace.Thread(
                name: buffer.threadName, id: buffer.threadID,
                records: buffer.records)
        }
        return Trace(threads: threads, startTime: startedAt, endTime: endedAt)
    }
}
