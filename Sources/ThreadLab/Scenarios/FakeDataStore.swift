import Synchronization
import Threading

/// The tutorial's `FakeDataStore` (3.4): `update` reads the shared value, sleeps 0.1 s
/// (the work), and writes back value + 1.
///
/// The value is an atomic read and written in two separate steps: the lost update of the
/// tutorial happens exactly as in Python, without a data race in the Swift sense.
package final class FakeDataStore: Sendable {
    private let stored = Atomic<Int>(0)
    private let lock = Lock(name: "FakeDataStore._lock")
    private let pause: Duration
    private let log: LabLog

    package init(pause: Duration = .milliseconds(100), log: LabLog) {
        self.pause = pause
        self.log = log
    }

    /// The shared value now.
    package var value: Int { stored.load(ordering: .acquiring) }

    /// Read, sleep, write — with no lock. `gate`, if given, holds each of its first reads
    /// until all of them have happened, so the overlap the tutorial relies on is certain.
    package func update(_ name: String, gate: ReadGate? = nil) {
        log("Thread \(name): starting update")
        var localCopy = stored.load(ordering: .acquiring)
        gate?.arrive()
        localCopy += 1
        LabClock.sleep(pause)
        stored.store(localCopy, ordering: .releasing)
        log("Thread \(name): finishing update")
    }

    /// Python's method 1: `acquire()` … `release()`.
    package func lockedUpdate(_ name: String) {
        log("Thread \(name): starting update")
        lock.acquire()
        log("Thread \(name) has lock")
        var localCopy = stored.load(ordering: .acquiring)
        localCopy += 1
        LabClock.sleep(pause)
        stored.store(localCopy, ordering: .releasing)
        // Cannot throw: this thread acquired the lock just above.
        try? lock.release()
        log("Thread \(name) released lock")
        log("Thread \(name): finishing update")
    }

    /// Python's method 2: `with self._lock:`.
    package func withLockUpdate(_ name: String) {
        log("Thread \(name): starting update")
        lock.withLock {
            log("Thread \(name) has lock")
            var localCopy = stored.load(ordering: .acquiring)
            localCopy += 1
            LabClock.sleep(pause)
            stored.store(localCopy, ordering: .releasing)
            log("Thread \(name) about to release lock")
        }
        log("Thread \(name): finishing update")
    }

    /// Holds the first `parties` readers at a `Barrier` until all of them have read (at most
    /// `limit`), so their reads surely overlap; later readers pass straight through.
    package final class ReadGate: Sendable {
        private let parties: Int
        private let arrived = LockedState(0)
        private let barrier: Barrier?
        private let limit: Duration

        package init(parties: Int, limit: Duration = .seconds(2)) {
            self.parties = parties
            self.limit = limit
            barrier = try? Barrier(parties: max(1, parties))
        }

        func arrive() {
            let count = arrived.withLock { count in
                count += 1
                return count
            }
            // A timeout or a broken barrier only loses the guarantee of overlap, not the demo.
            if count <= parties { _ = try? barrier?.wait(timeout: limit) }
        }
    }
}
