import CThreadingShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An operating-system thread, Python's `threading.Thread`.
///
/// Create it with a body, `start()` it, `join()` it. Its name defaults to `Thread-N`; it is
/// a daemon thread if its creator is one, unless `daemon:` says otherwise.
///
/// **Exit semantics, as in Python:** when the program's main code finishes (returning
/// from top-level code or `main()`, or calling `exit`), the process first waits for every
/// started non-daemon thread; daemon threads are simply ended with the process.
///
/// An error thrown out of the body goes to the except hook (by default one line
/// `Exception in thread NAME: ERROR` on standard error) and affects no other thread.
///
/// Happens-before: `start()` → the body's first line; the body's last line → `join()`
/// returning.
public final class OSThread: Sendable, Hashable, CustomStringConvertible {
    private struct Attributes {
        var name: String
        var isDaemon: Bool
        var lifecycle: ThreadLifecycle
    }

    private let attributes: Mutex<Attributes>
    private let body: (@Sendable () throws -> Void)?
    // 0 while the thread may still run its body; 1 once it has finished. Joiners sleep on it.
    private let finishedWord = FutexWord(0)

    /// Makes a thread that will run `body` once started.
    ///
    /// - Parameters:
    ///   - name: defaults to `Thread-N`, N counting from 1.
    ///   - daemon: defaults to whether the creating thread is a daemon.
    public init(name: String? = nil, daemon: Bool? = nil, _ body: @escaping @Sendable () throws -> Void) {
        self.body = body
        attributes = Mutex(
            Attributes(
                name: name ?? ThreadRegistry.newName("Thread"),
                isDaemon: daemon ?? OSThread.current.isDaemon,
                lifecycle: .initial))
    }

    /// A thread this package did not start: the main thread or a "Dummy" thread.
    private init(foreignName: String, daemon: Bool, ident: UInt, nativeID: Int) {
        body = nil
        attributes = Mutex(
            Attributes(
                name: foreignName, isDaemon: daemon,
                lifecycle: .running(ident: ident, nativeID: nativeID)))
    }

    deinit {}

    // MARK: Attributes

    /// The thread's name, for logs and diagnostics; only a label, not unique.
    public var name: String {
        get { attributes.withLock { $0.name } }
        set {
            attributes.withLock { $0.name = newValue }
            if OSThread.currentIfKnown === self { setKernelName(newValue) }
        }
    }

    /// Whether the process may end without waiting for this thread.
    public var isDaemon: Bool { attributes.withLock { $0.isDaemon } }

    /// Whether the thread has started and not yet finished: a snapshot.
    public var isAlive: Bool { attributes.withLock { $0.lifecycle.isAlive } }

    /// The thread's `pthread_t` as a number; `nil` until started. May be reused once the
    /// thread has finished.
    public var ident: UInt? { attributes.withLock { $0.lifecycle.ident } }

    /// The kernel's thread id (`gettid`); `nil` until started.
    public var nativeID: Int? { attributes.withLock { $0.lifecycle.nativeID } }

    public var description: String {
        let (name, daemon, lifecycle) = attributes.withLock { ($0.name, $0.isDaemon, $0.lifecycle) }
        let status =
            switch lifecycle {
            case .initial: "initial"
            case .starting: "started"
            case .running(let ident, _): "started \(ident)"
            case .finished: "stopped"
            }
        return "<OSThread(\(name), \(status)\(daemon ? " daemon" : ""))>"
    }

    public static func == (lhs: OSThread, rhs: OSThread) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    // MARK: Start and join

    /// Starts the thread; returns once it is running (its `ident` and `nativeID` are set).
    /// Throws `.alreadyStarted` on a second call, or `.invalidState` when the system
    /// refuses to create a thread.
    public func start() throws {
        let action = attributes.withLock { $0.lifecycle.start() }
        guard action == .spawn else { throw ThreadingError.alreadyStarted }
        let started = ThreadParker()
        ThreadRegistry.willStart(self)
        let context = Unmanaged.passRetained(ThreadStartContext(thread: self, started: started))
        let rc = ThreadShim.create(context.toOpaque())
        if rc != 0 {
            context.release()
            attributes.withLock { $0.lifecycle = .initial }
            ThreadRegistry.didFinish(self)
            throw ThreadingError.invalidState("pthread_create failed with error \(rc)")
        }
        started.park()
    }

    /// Blocks until the thread has finished. Throws `.notStarted` before `start()` and
    /// `.joinCurrentThread` when a thread joins itself.
    public func join() throws {
        try checkJoinable()
        let wait =
            DiagnosticsHooks.isActive
            ? DiagnosticsHooks.waitBegan(.threadJoin, object: self, label: name) : nil
        while finishedWord.load() == 0 {
            _ = finishedWord.wait(whileEquals: 0, deadline: .never)
        }
        DiagnosticsHooks.waitEnded(wait, satisfied: true)
    }

    /// Blocks at most `timeout`; returns `true` when the thread has finished (Python's
    /// `join(timeout)` followed by `not is_alive()`). Throws as `join()` does, and
    /// `.invalidArgument` for a negative timeout.
    public func join(timeout: Duration) throws -> Bool {
        try checkTimeout(timeout)
        try checkJoinable()
        let deadline = Deadline.after(timeout)
        let wait =
            DiagnosticsHooks.isActive
            ? DiagnosticsHooks.waitBegan(.threadJoin, object: self, label: name) : nil
        while finishedWord.load() == 0 {
            if !finishedWord.wait(whileEquals: 0, deadline: deadline) {
                let finished = finishedWord.load() == 1
                DiagnosticsHooks.waitEnded(wait, satisfied: finished)
                return finished
            }
        }
        DiagnosticsHooks.waitEnded(wait, satisfied: true)
        return true
    }

    private func checkJoinable() throws {
        guard attributes.withLock({ $0.lifecycle.isStarted }) else { throw ThreadingError.notStarted }
        if OSThread.currentIfKnown === self { throw ThreadingError.joinCurrentThread }
    }

    // MARK: The new thread's side

    fileprivate func run(started: ThreadParker) {
        let ident = UInt(ThreadShim.selfIdent())
        let nativeID = Int(cthreading_gettid())
        let name = attributes.withLock {
            $0.lifecycle.didBegin(ident: ident, nativeID: nativeID)
            return $0.name
        }
        ThreadRegistry.setCurrent(self)
        setKernelName(name)
        started.unpark()
        if DiagnosticsHooks.isActive { DiagnosticsHooks.threadStarted() }
        do {
            try body?()
        } catch {
            ThreadRegistry.reportUncaught(error, in: self)
        }
        if DiagnosticsHooks.isActive { DiagnosticsHooks.threadEnded() }
        attributes.withLock { $0.lifecycle.didFinish() }
        ThreadRegistry.didFinish(self)
        finishedWord.store(1)
        finishedWord.wakeAll()
    }

    private func setKernelName(_ name: String) {
        _ = cthreading_set_thread_name(String(name.utf8.prefix(15)) ?? "")
    }

    // MARK: Threads of the process

    /// The calling thread's `OSThread`. On a thread this package did not start, a "Dummy-N"
    /// daemon thread object is made for it (the main thread's is `main`).
    public static var current: OSThread {
        if let known = currentIfKnown { return known }
        if cthreading_is_main_thread() { return main }
        let dummy = OSThread(
            foreignName: ThreadRegistry.newName("Dummy"), daemon: true,
            ident: UInt(ThreadShim.selfIdent()), nativeID: Int(cthreading_gettid()))
        ThreadRegistry.adoptForeign(dummy)
        return dummy
    }

    static var currentIfKnown: OSThread? { ThreadRegistry.current() }

    /// The process's main thread, named "MainThread".
    public static var main: OSThread { mainThread }

    private static let mainThread: OSThread = {
        let thread = OSThread(
            foreignName: "MainThread", daemon: false,
            ident: UInt(cthreading_main_pthread()), nativeID: Int(getpid()))
        ThreadRegistry.registerMain(thread)
        return thread
    }()

    /// Every thread alive now (Python's `threading.enumerate()`): the main thread, threads
    /// started by this package and not finished, and foreign threads that asked for
    /// `current`. A snapshot.
    public static var all: [OSThread] { ThreadRegistry.all() }

    /// `all.count`.
    public static var activeCount: Int { ThreadRegistry.all().count }

    /// Replaces what happens to an error thrown out of a thread's body (Python's
    /// `threading.excepthook`). The hook runs on the failing thread.
    public static func setExceptHook(_ hook: @escaping @Sendable (OSThread, any Error) -> Void) {
        ThreadRegistry.setExceptHook(hook)
    }
}

/// What `pthread_create` hands the new thread.
final class ThreadStartContext: Sendable {
    let thread: OSThread
    let started: ThreadParker

    init(thread: OSThread, started: ThreadParker) {
        self.thread = thread
        self.started = started
    }

    func run() { thread.run(started: started) }
}
