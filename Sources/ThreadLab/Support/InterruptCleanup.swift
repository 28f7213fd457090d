import CThreadingShims
import Glibc
import Synchronization
import Threading

/// Stops what the lab started when Ctrl-C (SIGINT) or SIGTERM ends it midway: the
/// cluster scenario's and `bench --cluster`'s scratch PostgreSQL server (which `pg_ctl`
/// starts in a session of its own, so the terminal's SIGINT never reaches it) and their
/// `threadlab worker` processes. Without it they outlived the lab.
///
/// The first `add` installs a handler for both signals that only writes the signal's
/// number into a pipe; a daemon thread blocks reading that pipe, runs the actions (the
/// latest first), then ends the process by the same signal, as it would have ended
/// without a handler. `threadlab worker` never adds one: it drains on those signals
/// itself.
package enum InterruptCleanup {
    private static let state = Mutex(Actions())
    /// Set once a signal came: the watcher is stopping things and will end the process.
    private static let interrupted = Event()

    private struct Actions: ~Copyable {
        var installed = false
        var next: UInt64 = 0
        var pending: [(token: UInt64, action: @Sendable () -> Void)] = []
    }

    /// Runs `action` if SIGINT or SIGTERM arrives before `remove(token)`. Throws when the
    /// handler cannot be installed (no pipe, no thread).
    package static func add(_ action: @escaping @Sendable () -> Void) throws -> UInt64 {
        try state.withLock { actions in
            if !actions.installed {
                try install()
                actions.installed = true
            }
            actions.next += 1
            actions.pending.append((actions.next, action))
            return actions.next
        }
    }

    /// Forgets the action: what it would stop was stopped the ordinary way.
    package static func remove(_ token: UInt64) {
        state.withLock { actions in actions.pending.removeAll { $0.token == token } }
    }

    /// Called before the process exits on its own: once a signal came, blocks until the
    /// watcher, done stopping things, ends the process by that signal (so the exit status
    /// says "interrupted", not the error the scenario hit when its server went away).
    package static func holdExitWhileInterrupted() {
        guard interrupted.isSet else { return }
        Event().wait()  // never set: the signal ends the process
    }

    private static func install() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure(call: "pipe", code: errno) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // Not inherited by the worker processes and servers the lab starts.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let watcher = OSThread(name: "interrupt-cleanup", daemon: true) {
            var byte: UInt8 = 0
            // Blocks until the handler writes; EINTR (a signal arriving meanwhile) retries.
            while read(readEnd, &byte, 1) != 1 {
                if errno != EINTR { return }
            }
            interrupted.set()
            let actions = state.withLock { actions in actions.pending.reversed().map(\.action) }
            for action in actions { action() }
            cthreading_reraise(Int32(byte))
        }
        try watcher.start()
        let rc = cthreading_forward_interrupts(writeEnd)
        guard rc == 0 else { throw Failure(call: "sigaction", code: -rc) }
    }

    /// Why the handler could not be installed: the call that failed and its errno.
    struct Failure: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "interrupt cleanup: \(call) failed: \(String(cString: strerror(code)))" }
    }
}
