// W4, W5, W8 and W9 of `docs/WORKLOADS.md`, each beside the raw Swift / POSIX
// baseline in the same run. Every benchmark iteration runs the whole workload once (N as
// in docs/WORKLOADS.md) and checks its result; divide the wall-clock median by N for the
// per-operation figure:
//   W4 ns per acquire+release = median / 10,000,000
//   W5 increments/s           = 2,000,000 / median
//   W8 µs per round trip      = median / 100,000
//   W9 threads/s              = 10,000 / median
import Benchmark
import Dispatch
import Glibc
import Synchronization
import Threading

/// A `pthread_mutex_t` at a stable address, the POSIX baseline.
final class PthreadMutex: @unchecked Sendable {
    // The mutex itself guards everything done between lock() and unlock().
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
}

/// A counter guarded by whichever lock the workload uses.
final class Shared: @unchecked Sendable {
    // Guarded by the lock under test.
    var value = 0
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw BenchmarkFailure(description: message()) }
}

/// Runs `body` on two `OSThread`s at once and joins them.
func onTwoThreads(_ body: @escaping @Sendable () throws -> Void) throws {
    let threads = [OSThread(daemon: true, body), OSThread(daemon: true, body)]
    for thread in threads { try thread.start() }
    for thread in threads { try thread.join() }
}

let w4N = 10_000_000
let w5PerThread = 1_000_000
let w8RoundTrips = 100_000
let w9Threads = 10_000

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 7
    )

    // MARK: W4 lock_uncontended

    Benchmark("W4 Lock acquire+release x10M") { _ in
        let lock = Lock()
        let shared = Shared()
        for _ in 0..<w4N {
            lock.acquire()
            shared.value &+= 1
            try lock.release()
        }
        try check(shared.value == w4N, "W4 Lock counted \(shared.value)")
    }
    Benchmark("W4 Mutex withLock x10M") { _ in
        let mutex = Mutex(0)
        for _ in 0..<w4N { mutex.withLock { $0 &+= 1 } }
        let total = mutex.withLock { $0 }
        try check(total == w4N, "W4 Mutex counted \(total)")
    }
    Benchmark("W4 pthread_mutex x10M") { _ in
        let mutex = PthreadMutex()
        let shared = Shared()
        for _ in 0..<w4N {
            mutex.lock()
            shared.value &+= 1
            mutex.unlock()
        }
        try check(shared.value == w4N, "W4 pthread counted \(shared.value)")
    }

    // MARK: W5 lock_contended

    // Short runs with a bimodal spread (both threads on CPU or not): more samples.
    let w5 = Benchmark.Configuration(maxIterations: 31)
    Benchmark("W5 Lock 2 threads x1M", configuration: w5) { _ in
        let lock = Lock()
        let shared = Shared()
        try onTwoThreads {
            for _ in 0..<w5PerThread {
                lock.acquire()
                shared.value &+= 1
                try lock.release()
            }
        }
        try check(shared.value == 2 * w5PerThread, "W5 Lock counted \(shared.value)")
    }
    Benchmark("W5 pthread_mutex 2 threads x1M", configuration: w5) { _ in
        let mutex = PthreadMutex()
        let shared = Shared()
        try onTwoThreads {
            for _ in 0..<w5PerThread {
                mutex.lock()
                shared.value &+= 1
                mutex.unlock()
            }
        }
        try check(shared.value == 2 * w5PerThread, "W5 pthread counted \(shared.value)")
    }

    // MARK: W8 event_pingpong

    Benchmark("W8 Event ping-pong x100k") { _ in
        let ping = Event()
        let pong = Event()
        let bounces = Shared()  // written by the ponger only, read after join
        let ponger = OSThread(daemon: true) {
            for _ in 0..<w8RoundTrips {
                ping.wait()
                ping.clear()
                bounces.value += 1
                pong.set()
            }
        }
        try ponger.start()
        for _ in 0..<w8RoundTrips {
            ping.set()
            pong.wait()
            pong.clear()
        }
        try ponger.join()
        try check(bounces.value == w8RoundTrips, "W8 Event bounced \(bounces.value)")
    }
    Benchmark("W8 DispatchSemaphore ping-pong x100k") { _ in
        let ping = DispatchSemaphore(value: 0)
        let pong = DispatchSemaphore(value: 0)
        let bounces = Shared()
        let ponger = OSThread(daemon: true) {
            for _ in 0..<w8RoundTrips {
                ping.wait()
                bounces.value += 1
                pong.signal()
            }
        }
        try ponger.start()
        for _ in 0..<w8RoundTrips {
            ping.signal()
            pong.wait()
        }
        try ponger.join()
        try check(bounces.value == w8RoundTrips, "W8 Dispatch bounced \(bounces.value)")
    }

    // MARK: W9 thread_spawn

    Benchmark("W9 OSThread start+join x10k") { _ in
        let ran = Atomic<Int>(0)
        for _ in 0..<w9Threads {
            let thread = OSThread(daemon: true) { ran.add(1, ordering: .relaxed) }
            try thread.start()
            try thread.join()
        }
        let total = ran.load(ordering: .relaxed)
        try check(total == w9Threads, "W9 OSThread ran \(total)")
    }
    Benchmark("W9 pthread_create+join x10k") { _ in
        let ran = Atomic<Int>(0)
        for _ in 0..<w9Threads {
            try withUnsafePointer(to: ran) { pointer in
                var thread = pthread_t()
                let rc = pthread_create(
                    &thread, nil,
                    { raw in
                        let ran = raw!.assumingMemoryBound(to: Atomic<Int>.self)
                        ran.pointee.add(1, ordering: .relaxed)
                        return nil
                    }, UnsafeMutableRawPointer(mutating: pointer))
                try check(rc == 0, "pthread_create: \(rc)")
                pthread_join(thread, nil)
            }
        }
        let total = ran.load(ordering: .relaxed)
        try check(total == w9Threads, "W9 pthread ran \(total)")
    }
}
