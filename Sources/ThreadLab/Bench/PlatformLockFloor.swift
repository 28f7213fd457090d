import Glibc
import Synchronization
import Threading

/// W4's yardsticks, timed in the same round as `Lock`: the platform's mutex and the bare
/// pair of atomic instructions any lock's uncontended path is built on. A peer below the
/// bare pair is measuring something else; `Lock` sits above it by the relaxed load of the
/// diagnostics switch on each of its two calls (API.md: "no more than one relaxed atomic
/// load each").
enum PlatformLockFloor {
    /// n × (`pthread_mutex_lock`, increment, `pthread_mutex_unlock`) on a default mutex:
    /// nanoseconds per pair.
    static func pthreadMutexPair(_ n: Int) -> Double {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        defer {
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
        }
        let counter = LockedCounter()
        let (_, elapsed) = LabClock.measure {
            for _ in 0..<n {
                pthread_mutex_lock(mutex)
                counter.value &+= 1
                pthread_mutex_unlock(mutex)
            }
        }
        // Checks this harness, not an input: a lost increment would make the figure a lie.
        precondition(counter.value == n)
        return LabClock.seconds(elapsed) / Double(n) * 1e9
    }

    /// n × (compare-exchange 0 → 1 acquiring, increment, exchange → 0 releasing) on one
    /// `Atomic<UInt32>`: the two locked instructions alone, nanoseconds per pair.
    static func atomicPair(_ n: Int) -> Double {
        let word = AtomicWord()
        let counter = LockedCounter()
        let (_, elapsed) = LabClock.measure {
            for _ in 0..<n {
                while !word.value.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {}
                counter.value &+= 1
                _ = word.value.exchange(0, ordering: .releasing)
            }
        }
        // Checks this harness, not an input: a lost increment would make the figure a lie.
        precondition(counter.value == n)
        return LabClock.seconds(elapsed) / Double(n) * 1e9
    }

    /// `threads` threads share `total` increments of one counter under one default
    /// `pthread_mutex_t`, as W5 does under a `Lock`: increments per second.
    static func pthreadMutexContended(total: Int, threads count: Int) throws -> Double {
        let mutex = SharedMutex()
        let counter = LockedCounter()
        let share = total / count
        let (_, elapsed) = try LabClock.measure {
            let threads = (0..<count).map { _ in
                OSThread {
                    for _ in 0..<share {
                        pthread_mutex_lock(mutex.pointer)
                        counter.value &+= 1
                        pthread_mutex_unlock(mutex.pointer)
                    }
                }
            }
            for thread in threads { try thread.start() }
            for thread in threads { try thread.join() }
        }
        // Checks this harness, not an input: a lost increment would make the figure a lie.
        precondition(counter.value == share * count)
        return Double(share * count) / LabClock.seconds(elapsed)
    }

    /// A mutex the threads of one measurement share.
    private final class SharedMutex: @unchecked Sendable {
        // The pointer never changes; the pthread mutex it points to synchronises itself.
        let pointer = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        init() { pthread_mutex_init(pointer, nil) }
        deinit {
            pthread_mutex_destroy(pointer)
            pointer.deallocate()
        }
    }

    private final class AtomicWord: Sendable {
        let value = Atomic<UInt32>(0)
    }
}
