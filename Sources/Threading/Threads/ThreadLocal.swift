/// A value each thread has its own copy of, Python's `threading.local`.
///
/// The first time a thread reads `value`, `makeInitial` runs on that thread and its result
/// becomes that thread's value; later reads and writes on the thread see and change only
/// that copy. A thread's values are released when it exits (for an `OSThread`, before its
/// `join()` returns), and every thread's value is released when the `ThreadLocal` itself
/// is dropped. Any number of `ThreadLocal`s may exist: they share one pthread key.
///
/// Never blocks (beyond an uncontended per-thread lock).
///
/// Happens-before: a thread's write to `value` → that thread's later reads; nothing is
/// shared between threads.
// @unchecked Sendable: `Value` need not be Sendable because no value ever crosses
// threads. Each thread reads and writes only its own slot (the storage reached through
// the calling thread's pthread key); the only cross-thread access is *releasing* a slot,
// which happens under that storage's lock after its thread can no longer reach it (the
// thread exited, or this `ThreadLocal` is being deinitialized, so no thread holds it).
public final class ThreadLocal<Value>: @unchecked Sendable {
    private let id = ThreadLocalStorage.newID()
    private let makeInitial: @Sendable () -> Value

    /// Makes a thread-local value; `makeInitial` runs once on each thread that reads
    /// `value` before writing it.
    public init(_ makeInitial: @escaping @Sendable () -> Value) {
        self.makeInitial = makeInitial
    }

    deinit { ThreadLocalStorage.forget(id: id) }

    /// The calling thread's value: made by `makeInitial` on the thread's first read.
    public var value: Value {
        get { slot().value }
        // In place, so `local.value.append(x)` does not copy the thread's array.
        _modify { yield &slot().value }
        set {
            let storage = ThreadLocalStorage.forCallingThread()
            if let existing = storage.slot(id) {
                unsafeDowncast(existing, to: ThreadLocalSlot<Value>.self).value = newValue
            } else {
                storage.insert(ThreadLocalSlot(newValue), id: id)
            }
        }
    }

    private func slot() -> ThreadLocalSlot<Value> {
        let storage = ThreadLocalStorage.forCallingThread()
        if let existing = storage.slot(id) {
            // The slot under this id was made by this class with this `Value`.
            return unsafeDowncast(existing, to: ThreadLocalSlot<Value>.self)
        }
        // User code runs outside every lock.
        let made = ThreadLocalSlot(makeInitial())
        storage.insert(made, id: id)
        return made
    }
}
