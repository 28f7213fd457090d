import Glibc

/// The fairness yield of the async twins.
///
/// An async `get`, `put`, `wait` or `acquire` that can proceed at once returns without
/// suspending; a consumer that always finds an item ready would then never give its
/// cooperative thread to anything else — not even to the code that wants to cancel it.
/// So every async twin counts its calls per thread, and every `period`-th call on a
/// thread ends with `await Task.yield()`: the task goes to the back of its executor's
/// queue once, then carries on. This is a fairness point, not a wait: nothing is polled,
/// and the call's outcome (its item, permit or wake-up) is already decided.
///
/// Counted per OS thread, in a pthread key holding the count itself (no allocation): a
/// task that never suspends stays on one thread, so its calls are counted together.
enum FairnessYield {
    /// Calls per thread between two yields: a yield costs about as much as a few
    /// uncontended queue operations, so this keeps it under ~2% of a tight loop.
    static let period = 64

    // If the key cannot be made (the process ran out of keys), the count always reads 0
    // and never reaches `period`: the twins then just never yield.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        _ = pthread_key_create(&key, nil)
        return key
    }()

    /// Counts one call on the calling thread; `true` on every `period`-th.
    static func isDue() -> Bool {
        let count = Int(bitPattern: pthread_getspecific(key)) &+ 1
        if count >= period {
            _ = pthread_setspecific(key, nil)
            return true
        }
        _ = pthread_setspecific(key, UnsafeRawPointer(bitPattern: count))
        return false
    }

    /// Counts one async call, yielding on every `period`-th on this thread.
    static func yieldIfDue() async {
        if isDue() { await Task.yield() }
    }
}
