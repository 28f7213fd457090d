// W2 and W3 of `docs/WORKLOADS.md`: a bounded blocking FIFO of capacity 1024,
// N = 1,000,000 ints, 1 producer + 1 consumer (W2) and 2 + 2 (W3), each beside the
// hand-written Swift baseline (a ring buffer with a pthread mutex and two condition
// variables) in the same run. Every iteration moves all N items and checks the sum.
//   items/s = 1,000,000 / median wall-clock
// Needs a `Queues` executable target in `Benchmarks/Package.swift` like `Core`'s.
import Benchmark
import Glibc
import Synchronization
import Threading

/// The baseline: a ring buffer guarded by a pthread mutex, with "not empty" and "not
/// full" condition variables, signalled on every put and get.
final class PthreadRing: @unchecked Sendable {
    // `slots`, `head` and `count` are guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let slots: UnsafeMutablePointer<Int>
    private let capacity: Int
    private var head = 0
    private var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        pthread_cond_destroy(notEmpty)
        pthread_cond_destroy(notFull)
        mutex.deallocate()
        notEmpty.deallocate()
        notFull.deallocate()
        slots.deallocate()
    }

    func put(_ item: Int) {
        pthread_mutex_lock(mutex)
        while count == capacity { pthread_cond_wait(notFull, mutex) }
        slots[(head + count) % capacity] = item
        count += 1
        pthread_cond_signal(notEmpty)
        pthread_mutex_unlock(mutex)
    }

    func get() -> Int {
        pthread_mutex_lock(mutex)
        while count == 0 { pthread_cond_wait(notEmpty, mutex) }
        let item = slots[head]
        head = (head + 1) % capacity
        count -= 1
        pthread_cond_signal(notFull)
        pthread_mutex_unlock(mutex)
        return item
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

let queueN = 1_000_000
let queueCapacity = 1024

/// Moves `queueN` ints from `producers` threads to `consumers` threads and checks the sum.
func moveItems(
    producers: Int, consumers: Int,
    put: @escaping @Sendable (Int) throws -> Void, get: @escaping @Sendable () throws -> Int
) throws {
    let sum = Atomic<Int>(0)
    var threads: [OSThread] = []
    for p in 0..<producers {
        threads.append(
            OSThread(daemon: true) {
                for i in stride(from: p, to: queueN, by: producers) { try put(i) }
            })
    }
    for _ in 0..<consumers {
        threads.append(
            OSThread(daemon: true) {
                var local = 0
                for _ in 0..<(queueN / consumers) { local &+= try get() }
                sum.add(local, ordering: .relaxed)
            })
    }
    for thread in threads { try thread.start() }
    for thread in threads { try thread.join() }
    let expected = queueN * (queueN - 1) / 2
    if sum.load(ordering: .relaxed) != expected {
        throw BenchmarkFailure(description: "sum \(sum.load(ordering: .relaxed)) != \(expected)")
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 7
    )

    for (name, producers, consumers) in [("W2 1P1C", 1, 1), ("W3 2P2C", 2, 2)] {
        Benchmark("\(name) Queue(maxsize: 1024) x1M") { _ in
            let queue = Queue<Int>(maxsize: queueCapacity)
            try moveItems(
                producers: producers, consumers: consumers,
                put: { try queue.put($0) }, get: { try queue.get() })
        }
        Benchmark("\(name) baseline pthread ring x1M") { _ in
            let ring = PthreadRing(capacity: queueCapacity)
            try moveItems(
                producers: producers, consumers: consumers,
                put: { ring.put($0) }, get: { ring.get() })
        }
    }
}
