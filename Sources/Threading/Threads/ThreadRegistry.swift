import Glibc

/// The process-wide books on threads: which are alive (for `OSThread.all`), the name
/// counter, the except hook, and the exit-time join of non-daemon threads.
enum ThreadRegistry {
    private struct Books {
        var nameCounter = 0
        var sequence = 0
        // The main thread has sequence 0, so `all` lists it first, as `enumerate()` does.
        var alive: [ObjectIdentifier: (sequence: Int, thread: OSThread)] = [:]
        var exceptHook: (@Sendable (OSThread, any Error) -> Void)?
        var exitHandlerInstalled = false
    }

    private static let books = StateLock(Books())

    /// "Thread-N" or "Dummy-N": one counter for both, as in CPython.
    static func newName(_ prefix: String) -> String {
        let n = books.withLock {
            $0.nameCounter += 1
            return $0.nameCounter
        }
        return "\(prefix)-\(n)"
    }

    private static func insert(_ thread: OSThread, _ books: inout Books, sequence: Int? = nil) {
        books.sequence += 1
        books.alive[ObjectIdentifier(thread)] = (sequence ?? books.sequence, thread)
    }

    static func willStart(_ thread: OSThread) {
        let needsExitHandler = books.withLock {
            insert(thread, &$0)
            if thread.isDaemon || $0.exitHandlerInstalled { return false }
            $0.exitHandlerInstalled = true
            return true
        }
        if needsExitHandler { atexit { ThreadRegistry.joinNonDaemonThreads() } }
    }

    static func didFinish(_ thread: OSThread) {
        _ = books.withLock { $0.alive.removeValue(forKey: ObjectIdentifier(thread)) }
    }

    static func registerMain(_ thread: OSThread) {
        books.withLock { insert(thread, &$0, sequence: 0) }
    }

    static func adoptForeign(_ thread: OSThread) {
        books.withLock { insert(thread, &$0) }
        ThreadShim.setCurrent(thread)
    }

    static func setCurrent(_ thread: OSThread) { ThreadShim.setCurrent(thread) }
    static func current() -> OSThread? { ThreadShim.current() }

    /// A thread's slot was cleared at its exit: forget it. For a thread this package
    /// started, `run` did so already; a foreign ("Dummy") thread ends here.
    static func threadExited(_ thread: OSThread) {
        let wasListed = books.withLock {
            $0.alive.removeValue(forKey: ObjectIdentifier(thread)) != nil
        }
        if wasListed { thread.foreignThreadDidExit() }
    }

    static func all() -> [OSThread] {
        _ = OSThread.main
        return books.withLock { $0.alive.values.sorted { $0.sequence < $1.sequence }.map(\.thread) }
    }

    static func setExceptHook(_ hook: (@Sendable (OSThread, any Error) -> Void)?) {
        books.withLock { $0.exceptHook = hook }
    }

    /// The default except hook's line: `Exception in thread NAME: TYPE: DESCRIPTION`,
    /// the error's type named as the last line of Python's traceback names it.
    static func exceptLine(_ error: any Error, in thread: OSThread) -> String {
        "Exception in thread \(thread.name): \(type(of: error)): \(error)\n"
    }

    static func reportUncaught(_ error: any Error, in thread: OSThread) {
        if let hook = books.withLock({ $0.exceptHook }) {
            hook(thread, error)
        } else {
            StandardError.write(exceptLine(error, in: thread))
        }
    }

    /// Runs at `exit` (also when main code returns): waits for every started non-daemon
    /// thread, as CPython's `threading._shutdown` does. Threads started meanwhile are
    /// waited for too.
    private static func joinNonDaemonThreads() {
        // Resolved before taking the books' lock: the first use of `main` registers it.
        let me = OSThread.currentIfKnown
        let main = OSThread.main
        while true {
            let pending = books.withLock {
                $0.alive.values.map(\.thread).filter { !$0.isDaemon && $0 !== me && $0 !== main }
            }
            guard let next = pending.first else { return }
            try? next.join()
            didFinish(next)
        }
    }
}
