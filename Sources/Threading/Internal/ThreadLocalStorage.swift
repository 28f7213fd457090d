import Glibc
import Synchronization

/// One thread's value of one `ThreadLocal`.
// @unchecked Sendable: `value` is read and written only by the thread whose storage holds
// the slot; another thread only drops the last reference to it (see `ThreadLocal`).
class ThreadLocalSlotBase: @unchecked Sendable {}

final class ThreadLocalSlot<Value>: ThreadLocalSlotBase, @unchecked Sendable {
    // Touched only by the owning thread (see the base class).
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// The `ThreadLocal` values of one thread, keyed by each `ThreadLocal`'s unique id.
///
/// All `ThreadLocal`s share one pthread key, whose slot holds the calling thread's
/// storage (so the number of `ThreadLocal`s is unlimited). Every live storage is listed in
/// `live`, so a `ThreadLocal` that is dropped can release its values on every thread.
final class ThreadLocalStorage: Sendable {
    // Protected by its own lock: the owning thread reads and inserts, a dying
    // `ThreadLocal` removes its slot from another thread.
    private let slots = StateLock<[UInt64: ThreadLocalSlotBase]>([:])

    private init() {}

    func slot(_ id: UInt64) -> ThreadLocalSlotBase? { slots.withLock { $0[id] } }

    func insert(_ slot: ThreadLocalSlotBase, id: UInt64) {
        let replaced = slots.withLock { $0.updateValue(slot, forKey: id) }
        withExtendedLifetime(replaced) {}  // released after unlocking: its deinit is user code
    }

    private func removeAll() -> [ThreadLocalSlotBase] {
        slots.withLock {
            let values = Array($0.values)
            $0.removeAll()
            return values
        }
    }

    private func remove(_ id: UInt64) -> ThreadLocalSlotBase? {
        slots.withLock { $0.removeValue(forKey: id) }
    }

    // MARK: Process-wide

    private static let counter = Atomic<UInt64>(1)

    static func newID() -> UInt64 { counter.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// Every storage of a thread that has not exited.
    private static let live = StateLock<[ObjectIdentifier: ThreadLocalStorage]>([:])

    /// The slot holding the calling thread's storage; when the thread exits, its values
    /// are released.
    private static let slot = ThreadSlot<ThreadLocalStorage> { raw in
        guard let raw else { return }
        Unmanaged<ThreadLocalStorage>.fromOpaque(raw).takeRetainedValue().retire()
    }

    /// The calling thread's storage, made on first use.
    static func forCallingThread() -> ThreadLocalStorage {
        if let storage = slot.value { return storage }
        let storage = ThreadLocalStorage()
        live.withLock { $0[ObjectIdentifier(storage)] = storage }
        slot.set(storage)
        return storage
    }

    /// Releases the calling thread's values now (an `OSThread` about to finish), so they
    /// are gone before `join()` returns. Values made later on the thread are released by
    /// the key's destructor.
    static func releaseCallingThread() {
        slot.take()?.retire()
    }

    /// A dropped `ThreadLocal`: release its value on every thread.
    static func forget(id: UInt64) {
        let storages = live.withLock { Array($0.values) }
        var released: [ThreadLocalSlotBase] = []
        for storage in storages {
            if let slot = storage.remove(id) { released.append(slot) }
        }
        // `released` goes out of scope here, after every lock: the values' deinit may be
        // user code that touches other `ThreadLocal`s.
        withExtendedLifetime(released) {}
    }

    /// The thread is done with this storage: unlist it and release its values.
    private func retire() {
        _ = Self.live.withLock { $0.removeValue(forKey: ObjectIdentifier(self)) }
        let released = removeAll()
        withExtendedLifetime(released) {}
    }
}
