#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The pthread calls behind `OSThread`: creation and the per-thread slot that holds the
/// calling thread's `OSThread`.
enum ThreadShim {
    /// pthread_self(), as a number.
    static func selfIdent() -> UInt64 {
        #if canImport(Darwin)
            UInt64(UInt(bitPattern: pthread_self()))
        #else
            UInt64(pthread_self())
        #endif
    }

    /// pthread_create(3) of a detached thread that runs the `ThreadStartContext` passed
    /// retained. Returns pthread_create's error number (0 on success).
    static func create(_ context: UnsafeMutableRawPointer) -> Int32 {
        var attributes = pthread_attr_t()
        var rc = pthread_attr_init(&attributes)
        guard rc == 0 else { return rc }
        defer { pthread_attr_destroy(&attributes) }
        // Joining is done on the thread's own finished word, so the pthread is detached.
        rc = pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        guard rc == 0 else { return rc }
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        return pthread_create(
            &thread, &attributes,
            { raw in
                #if canImport(Darwin)
                    let context = Unmanaged<ThreadStartContext>.fromOpaque(raw).takeRetainedValue()
                #else
                    let context = Unmanaged<ThreadStartContext>.fromOpaque(raw!).takeRetainedValue()
                #endif
                context.run()
                return nil
            }, context)
    }

    /// The key of the per-thread slot holding a retained `OSThread`; its destructor
    /// releases it when the thread exits, and forgets a foreign ("Dummy") thread.
    static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key) { raw in
            #if canImport(Darwin)
                let thread = Unmanaged<OSThread>.fromOpaque(raw).takeRetainedValue()
            #else
                guard let raw else { return }
                let thread = Unmanaged<OSThread>.fromOpaque(raw).takeRetainedValue()
            #endif
            ThreadRegistry.threadExited(thread)
        }
        // Only PTHREAD_KEYS_MAX exhaustion fails, and this is the process's first key of ours.
        precondition(rc == 0, "pthread_key_create failed: \(rc)")
        return key
    }()

    static func setCurrent(_ thread: OSThread) {
        if let old = pthread_getspecific(currentKey) {
            Unmanaged<OSThread>.fromOpaque(old).release()
        }
        _ = pthread_setspecific(currentKey, Unmanaged.passRetained(thread).toOpaque())
    }

    static func current() -> OSThread? {
        guard let raw = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<OSThread>.fromOpaque(raw).takeUnretainedValue()
    }
}
