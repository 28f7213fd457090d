import CThreadingShims
import Glibc

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
/// `Exception in thread NAME: TYPE: ERROR`, the error's type named as in Python's traceback, on standard error) and affects no other thread.
///
/// Happens-before: `start()` → the body's first line; the body's last line → `join()`
/// returning.
public final class OSThread: Sendable, Hashable, CustomStringConvertible {
    private struct Attributes {
        var name: String
        var lifecycle: ThreadLifecycle
        /// The pthread to reap: set by `start()`, taken by the first `join` that sees the
        /// thread finished (or by `deinit`, which detaches it).
        var unreaped: ThreadShim.Handle? = nil
        /// Tasks suspended in `await join()`, resumed when the thread finishes.
        var joiners = WaitList<Waiter>()
        /// What the thread runs; taken by the thread when it starts, so whatever the body
        /// captured is released when it returns, as Python's `Thread.run` deletes its
        /// target (no cycle through a captured object that holds the thread).
        var body: (@Sendable () throws -> Void)?

        var isFinished: Bool {
            if case .finished = lifecycle { return true }
            return false
        }

        /// The thread finished: hands back the joiners to resume.
        mutating func finish() -> [Waiter] {
            lifecycle.didFinish()
            return joiners.removeAll()
        }
    }

    private let attributes: StateLock<Attributes>
    // 0: not finished, no joiner asleep; 2: not finished, a joiner may sleep on the word;
    // 1: finished. The finishing thread makes the wake system call only after seeing 2.
    private let finishedWord = FutexWord(0)
    // Bit 0: someone sleeps waiting for the new thread to record its ids; bits 1...: a
    // generation, bumped each time the lifecycle leaves `.starting`.
    private let beganWord = FutexWord(0)

    /// Whether the process may end without waiting for this thread. Fixed at creation
    /// (Python allows changing it only before `start()`; this API has no setter).
    public let isDaemon: Bool

    /// Makes a thread that will run `body` once started.
    ///
    /// - Parameters:
    ///   - name: defaults to `Thread-N`, N counting from 1.
    ///   - daemon: defaults to whether the creating thread is a daemon.
    ///   - body: what the thread runs; an error it throws goes to the except hook.
    public init(name: String? = nil, daemon: Bool? = nil, _ body: @escaping @Sendable () throws -> Void) {
        isDaemon = daemon ?? OSThread.current.isDaemon
        attributes = StateLock(
            Attributes(name: name ?? ThreadRegistry.newName("Thread"), lifecycle: .initial, body: body))
    }

    /// A thread this package did not start: the main thread or a "Dummy" thread.
    private init(foreignName: String, daemon: Bool, ident: UInt, nativeID: Int) {
        isDaemon = daemon
        attributes = StateLock(
            Attributes(name: foreignName, lifecycle: .running(ident: ident, nativeID: nativeID)))
    }

    // MARK: Attributes

    /// The thread's name, for logs and diagnostics; only a label, not unique.
    public var name: String {
        get { attributes.withLock { $0.name } }
        set {
            attributes.withLock { $0.name = newValue }
            if isCallingThread { setKernelName(newValue) }
        }
    }

    /// Whether the thread has started and not yet finished: a snapshot.
    public var isAlive: Bool { attributes.withLock { $0.lifecycle.isAlive } }

    /// The thread's `pthread_t` as a number; `nil` until started. May be reused once the
    /// thread has finished.
    public var ident: UInt? { identifiers?.ident }

    /// The kernel's thread id (`gettid`); `nil` until started.
    public var nativeID: Int? { identifiers?.nativeID }

    public var description: String {
        let (name, lifecycle) = attributes.withLock { ($0.name, $0.lifecycle) }
        let status =
            switch lifecycle {
            case .initial: "initial"
            case .starting: "started"
            case .running(let ident, _): "started \(ident)"
            case .finished: "stopped"
            }
        return "<OSThread(\(name), \(status)\(isDaemon ? " daemon" : ""))>"
    }

    public static func == (lhs: OSThread, rhs: OSThread) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    // MARK: Start and join

    /// Starts the thread. Throws `.alreadyStarted` on a second call, or `.invalidState`
    /// when the system refuses to create a thread.
    ///
    /// Returns without waiting for the new thread to be scheduled (one context switch
    /// less than Python's handshake, which matters when threads are started by the
    /// thousand); `ident` and `nativeID` wait the few microseconds until the new thread
    /// has recorded them, so they are never `nil` once `start()` has returned.
    public func start() throws {
        let action = attributes.withLock { $0.lifecycle.start() }
        guard action == .spawn else { throw ThreadingError.alreadyStarted }
        ThreadRegistry.willStart(self)
        let context = Unmanaged.passRetained(ThreadStartContext(thread: self))
        switch ThreadShim.create(context.toOpaque()) {
        case .success(let handle):
            attributes.withLock { $0.unreaped = handle }
        case .failure(let error):
            context.release()
            attributes.withLock { $0.lifecycle = .initial }
            ThreadRegistry.didFinish(self)
            announceBegan()
            throw ThreadingError.invalidState("pthread_create failed with error \(error.code)")
        }
    }

    deinit {
        // Never joined: let the system free the thread when it exits. (May run on the
        // thread itself, from its per-thread slot's destructor; detaching oneself is fine.)
        if let handle = attributes.withLock({ $0.unreaped }) { ThreadShim.detach(handle) }
    }

    /// pthread_join, once: the first joiner reaps the thread, so its stack is back in the
    /// system's cache when `join` returns. Blocks until the thread has exited.
    /// Returns whether this call reaped it.
    @discardableResult
    private func reap() -> Bool {
        let handle = attributes.withLock {
            let handle = $0.unreaped
            $0.unreaped = nil
            return handle
        }
        guard let handle else { return false }
        ThreadShim.join(handle)
        return true
    }

    /// The ids once the new thread has recorded them; `nil` before `start()`.
    private var identifiers: (ident: UInt, nativeID: Int)? {
        while true {
            // Read the generation before the state, so an announcement after the read
            // changes the word and the sleep below returns at once.
            let generation = beganWord.load()
            let lifecycle = attributes.withLock { $0.lifecycle }
            switch lifecycle {
            case .initial: return nil
            case .running(let ident, let nativeID), .finished(let ident, let nativeID):
                return (ident, nativeID)
            case .starting:
                // Mark a sleeper (bit 0), so the new thread makes the wake call.
                if generation & 1 == 0,
                    !beganWord.compareExchange(expected: generation, desired: generation | 1).exchanged
                {
                    continue
                }
                _ = beganWord.wait(whileEquals: generation | 1, deadline: .never)
            }
        }
    }

    /// The lifecycle left `.starting`: bump the generation, wake sleepers if any.
    private func announceBegan() {
        var seen = beganWord.load()
        while true {
            let (done, original) = beganWord.compareExchange(expected: seen, desired: (seen & ~1) &+ 2)
            if done { break }
            seen = original
        }
        if seen & 1 != 0 { beganWord.wakeAll() }
    }

    /// Blocks until the thread has finished. Throws `.notStarted` before `start()` and
    /// `.joinCurrentThread` when a thread joins itself.
    ///
    /// Sleeps in `pthread_join` (the first joiner) or on a futex word (any other); the
    /// finishing thread wakes it.
    @available(*, noasync, message: "use `try await join()`, which does not block a thread")
    public func join() throws {
        try checkJoinable()
        let wait =
            DiagnosticsHooks.isActive
            ? DiagnosticsHooks.waitBegan(.threadJoin, object: self, label: name) : nil
        // The first joiner waits in pthread_join itself: one sleep, woken by the kernel
        // when the thread has exited (waiting for the finished word first would often
        // sleep twice). Other joiners wait for the finished word.
        if !reap() { waitFinishedUntimed() }
        DiagnosticsHooks.waitEnded(wait, satisfied: true)
    }

    // Out of line: a `Deadline` local costs metadata look-ups in the caller's prologue.
    @inline(never)
    private func waitFinishedUntimed() {
        _ = waitFinished(deadline: .never)
    }

    /// Blocks at most `timeout`; returns `true` when the thread has finished (Python's
    /// `join(timeout)` followed by `not is_alive()`). Throws as `join()` does, and
    /// `.invalidArgument` for a negative timeout.
    ///
    /// Sleeps on a futex word with a deadline; the finishing thread wakes it.
    @available(*, noasync, message: "use `try await join(timeout:)`, which does not block a thread")
    public func join(timeout: Duration) throws -> Bool {
        try checkTimeout(timeout)
        try checkJoinable()
        let wait =
            DiagnosticsHooks.isActive
            ? DiagnosticsHooks.waitBegan(.threadJoin, object: self, label: name) : nil
        guard waitFinished(deadline: .after(timeout)) else {
            DiagnosticsHooks.waitEnded(wait, satisfied: false)
            return false
        }
        reap()
        DiagnosticsHooks.waitEnded(wait, satisfied: true)
        return true
    }

    /// Sleeps on the finished word until the thread has finished or the deadline passed.
    private func waitFinished(deadline: Deadline) -> Bool {
        while true {
            switch finishedWord.load() {
            case 1: return true
            case 0:
                // Announce a sleeper, so the finishing thread makes the wake call.
                if !finishedWord.compareExchange(expected: 0, desired: 2).exchanged { continue }
            default: break
            }
            if !finishedWord.wait(whileEquals: 2, deadline: deadline) {
                return finishedWord.load() == 1
            }
        }
    }

    private func checkJoinable() throws {
        guard attributes.withLock({ $0.lifecycle.isStarted }) else {
            throw ThreadingError.notStarted
        }
        if isCallingThread { throw ThreadingError.joinCurrentThread }
    }

    /// Whether the calling thread is this one. The main thread has no per-thread slot, so
    /// it is recognised by its pthread id.
    private var isCallingThread: Bool {
        if let known = OSThread.currentIfKnown { return known === self }
        return self === OSThread.main && cthreading_is_main_thread()
    }

    // MARK: The new thread's side

    fileprivate func run() {
        let ident = UInt(ThreadShim.selfIdent())
        let nativeID = Int(cthreading_gettid())
        let name = attributes.withLock {
            $0.lifecycle.didBegin(ident: ident, nativeID: nativeID)
            return $0.name
        }
        announceBegan()
        ThreadRegistry.setCurrent(self)
        setKernelName(name)
        if DiagnosticsHooks.isActive { DiagnosticsHooks.threadStarted() }
        do {
            let body = attributes.withLock { $0.body.take() }
            try body?()
        } catch {
            ThreadRegistry.reportUncaught(error, in: self)
        }
        if DiagnosticsHooks.isActive { DiagnosticsHooks.threadEnded() }
        // Python clears a thread's `threading.local` values before `join()` returns; the
        // pthread key destructors would run only after this function returns.
        ThreadLocalStorage.releaseCallingThread()
        let joiners = attributes.withLock { $0.finish() }
        ThreadRegistry.didFinish(self)
        if finishedWord.exchange(1) == 2 { finishedWord.wakeAll() }
        for joiner in joiners { joiner.resume() }
        WaitingChanges.note()
    }

    /// A foreign thread's slot was cleared at its exit: it is no longer alive.
    func foreignThreadDidExit() {
        let joiners = attributes.withLock { $0.finish() }
        if finishedWord.exchange(1) == 2 { finishedWord.wakeAll() }
        for joiner in joiners { joiner.resume() }
        WaitingChanges.note()
    }

    // MARK: Async join

    /// How many tasks wait in `await join()`: a snapshot, for tests.
    var joinerCount: Int { attributes.withLock { $0.joiners.count } }

    /// Suspends the calling task until the thread has finished, holding no thread while
    /// it waits: the task is listed as a joiner and the finishing thread resumes it.
    ///
    /// Throws `.notStarted` before `start()`, `.joinCurrentThread` when called on the
    /// thread itself, and `CancellationError` when the task is cancelled before the thread
    /// finishes (the thread goes on running). Happens-before: the body's last line → this
    /// returning.
    public func join() async throws {
        try checkJoinable()
        try await suspendAsWaiter { waiter in
            attributes.withLock { attributes -> Registration in
                if case .finished = attributes.lifecycle { return .proceed }
                if Task.isCancelled { return .cancelled }
                attributes.joiners.append(waiter, id: waiter.id)
                return .listed
            }
        } withdraw: { id in
            self.attributes.withLock { $0.joiners.remove(id: id) }
        }
        // The body has returned: pthread_join waits only for the thread's last few
        // instructions, and frees its stack now rather than at deinit.
        reap()
    }

    /// Suspends the calling task at most `timeout`, holding no thread; returns `true` when
    /// the thread has finished. Throws as `await join()` does, and `.invalidArgument` for a
    /// negative timeout.
    ///
    /// The task waits as a joiner (resumed by the finishing thread) while a child task
    /// sleeps for `timeout` on the task clock; whichever ends first cancels the other. A
    /// timeout beyond about 68 years waits without a limit.
    public func join(timeout: Duration) async throws -> Bool {
        try checkTimeout(timeout)
        try checkJoinable()
        if attributes.withLock({ $0.isFinished }) {
            reap()
            return true
        }
        if timeout.components.seconds >= Deadline.horizonSeconds {
            try await join()
            return true
        }
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.join()
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            // The first to end decides; the other is cancelled and its error dropped.
            let finished = try await group.next() ?? false
            group.cancelAll()
            return finished
        }
    }

    private func setKernelName(_ name: String) {
        // The kernel keeps 15 bytes; cut on a character boundary so the name stays UTF-8.
        var cut = ""
        for character in name {
            if cut.utf8.count + character.utf8.count > 15 { break }
            cut.append(character)
        }
        _ = cthreading_set_thread_name(cut)
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
    /// `threading.excepthook`). The hook runs on the failing thread, after the body and
    /// before the thread counts as finished (so before `join()` returns); other threads
    /// are not affected.
    public static func setExceptHook(_ hook: @escaping @Sendable (OSThread, any Error) -> Void) {
        ThreadRegistry.setExceptHook(hook)
    }

    /// Puts back the default except hook (Python's `threading.__excepthook__`).
    static func resetExceptHook() {
        ThreadRegistry.setExceptHook(nil)
    }
}

/// What `pthread_create` hands the new thread.
final class ThreadStartContext: Sendable {
    let thread: OSThread

    init(thread: OSThread) {
        self.thread = thread
    }

    func run() { thread.run() }
}
