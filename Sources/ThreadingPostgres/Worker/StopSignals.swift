import CThreadingShims
import Glibc
import Threading

/// SIGTERM and SIGINT for the workers running in this process: while at least one
/// `PostgresWorker.run()` is in progress, either signal makes every one of them drain.
///
/// The handler (C, async-signal-safe) writes the signal's number to a pipe; one thread
/// blocks reading it and calls the workers' `stop()`. The previous handlers come back when
/// the last `run()` returns.
final class StopSignals: Sendable {
    static let shared = StopSignals()

    private struct State {
        var workers: [ObjectIdentifier: PostgresWorker] = [:]
        var pipe: (read: Int32, write: Int32)?
    }

    private let state = LockedState(State())

    /// Adds `worker`; the first one installs the handlers (and unblocks both signals on
    /// the calling thread, so a `run()` started from a thread that blocks them still stops).
    func register(_ worker: PostgresWorker) {
        let key = ObjectIdentifier(worker)
        state.withLock { state in
            if state.workers.isEmpty {
                if state.pipe == nil, let pipe = StopSignals.startReader() { state.pipe = pipe }
                if let pipe = state.pipe { _ = cthreading_stop_signals_install(pipe.write) }
            }
            state.workers[key] = worker
        }
    }

    /// Removes `worker`; the last one puts the previous handlers back.
    func unregister(_ worker: PostgresWorker) {
        state.withLock { state in
            guard state.workers.removeValue(forKey: ObjectIdentifier(worker)) != nil else { return }
            if state.workers.isEmpty { _ = cthreading_stop_signals_restore() }
        }
    }

    private func signalled() {
        for worker in state.withLock({ Array($0.workers.values) }) { worker.stop() }
    }

    /// The pipe and the thread that reads it (for the life of the process: it costs one
    /// blocked thread, and a later `run()` reuses it).
    private static func startReader() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard cthreading_pipe_cloexec(&fds) == 0 else { return nil }
        let reader = fds[0]
        let thread = OSThread(name: "postgres-worker-signals", daemon: true) {
            var byte: UInt8 = 0
            while true {
                let count = read(reader, &byte, 1)
                if count == 1 {
                    StopSignals.shared.signalled()
                } else if count == 0 || (count < 0 && errno != EINTR) {
                    return
                }
            }
        }
        guard (try? thread.start()) != nil else { return nil }
        return (fds[0], fds[1])
    }
}
