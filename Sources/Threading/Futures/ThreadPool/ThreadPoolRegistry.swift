import Glibc
import Synchronization

/// The pools that have live workers, so the process can finish their work at exit.
///
/// CPython 3.13 registers `_python_exit` with `threading._register_atexit`: at
/// interpreter exit it refuses new submissions, lets every worker finish the queue and
/// joins them. Our workers are daemon threads (an idle worker must not keep the process
/// alive through the non-daemon join), and this registry's `atexit` hook does what
/// CPython's does: `shutdown(wait: true)` on every pool still alive, so work submitted
/// before exit runs to the end.
enum ThreadPoolRegistry {
    private struct Books {
        var pools: [ObjectIdentifier: ThreadPoolCore] = [:]
        var hookInstalled = false
    }

    private static let books = StateLock(Books())

    static func add(_ pool: ThreadPoolCore) {
        let install = books.withLock { books in
            books.pools[ObjectIdentifier(pool)] = pool
            defer { books.hookInstalled = true }
            return !books.hookInstalled
        }
        if install { atexit { ThreadPoolRegistry.finishAll() } }
    }

    static func remove(_ pool: ThreadPoolCore) {
        _ = books.withLock { $0.pools.removeValue(forKey: ObjectIdentifier(pool)) }
    }

    private static func finishAll() {
        let pools = books.withLock { Array($0.pools.values) }
        for pool in pools { pool.shutdown(wait: true, cancelFutures: false) }
    }
}
