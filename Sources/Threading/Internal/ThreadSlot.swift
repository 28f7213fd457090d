import Glibc

/// A per-thread slot holding one retained object: the package's pthread keys (the
/// calling thread's `OSThread`, its `ThreadLocal` values, its diagnostics state) are each
/// one of these, so the retain and release rules are written once.
///
/// The slot holds a +1 reference. `destructor` runs when a thread exits with the slot
/// set; it receives that reference and must balance it (`takeRetainedValue()`). It is a
/// C function pointer, so it cannot capture: each slot's type is named in its own.
struct ThreadSlot<Object: AnyObject>: Sendable {
    private let key: pthread_key_t

    /// Makes the key (once per process, from a `static let`).
    init(destructor: ThreadShim.KeyDestructor) {
        key = ThreadShim.makeKey(destructor: destructor)
    }

    /// The calling thread's object, not retained for the caller: the slot keeps it alive
    /// until this thread replaces it or exits.
    var value: Object? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Object>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Runs `body` on the calling thread's object without retaining it (for a hot path);
    /// `nil` when the slot is empty.
    @inline(__always)
    func withValue<R>(_ body: (Object) -> R) -> R? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Object>.fromOpaque(raw)._withUnsafeGuaranteedRef(body)
    }

    /// Puts `object` in the calling thread's slot, releasing what was there.
    func set(_ object: Object) {
        let old = pthread_getspecific(key)
        _ = pthread_setspecific(key, Unmanaged.passRetained(object).toOpaque())
        if let old { Unmanaged<Object>.fromOpaque(old).release() }
    }

    /// Empties the calling thread's slot and hands back its object (now the caller's).
    func take() -> Object? {
        guard let raw = pthread_getspecific(key) else { return nil }
        _ = pthread_setspecific(key, nil)
        return Unmanaged<Object>.fromOpaque(raw).takeRetainedValue()
    }
}
