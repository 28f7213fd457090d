import Glibc

/// The pthread calls behind `OSThread`: creation and the per-thread slot that holds the
/// calling thread's `OSThread`.
enum ThreadShim {
    /// pthread_self(), as a number.
    static func selfIdent() -> UInt64 {
        UInt64(pthread_self())
    }

    typealias Handle = pthread_t

    /// pthread_create(3) of a joinable thread that runs the `ThreadStartContext` passed
    /// retained. Returns the thread's handle, or pthread_create's error number.
    ///
    /// Joinable, not detached: `OSThread.join` reaps the thread with `pthread_join`, so
    /// its stack is back in glibc's cache before the next thread is created (a detached
    /// thread still exiting when the next one starts forces a fresh 8 MB stack mapping,
    /// which made W9 several times slower). An `OSThread` dropped without a join detaches it.
    static func create(_ context: UnsafeMutableRawPointer) -> Result<Handle, CreateError> {
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { raw in
                let context = Unmanaged<ThreadStartContext>.fromOpaque(raw!).takeRetainedValue()
                context.run()
                return nil
            }, context)
        guard rc == 0 else { return .failure(CreateError(code: rc)) }
        return .success(thread)
    }

    struct CreateError: Error {
        let code: Int32
    }

    /// pthread_join(3), ignoring the result: the caller guarantees the thread is joinable
    /// and joined once.
    static func join(_ thread: Handle) {
        _ = pthread_join(thread, nil)
    }

    /// pthread_detach(3): the system frees the thread when it exits.
    static func detach(_ thread: Handle) {
        _ = pthread_detach(thread)
    }

    typealias KeyDestructor = @convention(c) (UnsafeMutableRawPointer?) -> Void

    /// pthread_key_create(3), for the package's per-thread slots. Each key is made once per
    /// process, at first use, so only PTHREAD_KEYS_MAX exhaustion by other code could fail
    /// it: no argument or call order of a user reaches the trap.
    static func makeKey(destructor: KeyDestructor) -> pthread_key_t {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key, destructor)
        precondition(rc == 0, "pthread_key_create failed: \(rc)")
        return key
    }

    /// The slot holding the calling thread's `OSThread`; when the thread exits it is
    /// released, and a foreign ("Dummy") thread forgotten.
    static let currentSlot = ThreadSlot<OSThread> { raw in
        guard let raw else { return }
        let thread = Unmanaged<OSThread>.fromOpaque(raw).takeRetainedValue()
        ThreadRegistry.threadExited(thread)
    }

    static func setCurrent(_ thread: OSThread) {
        currentSlot.set(thread)
    }

    static func current() -> OSThread? {
        currentSlot.value
    }
}
