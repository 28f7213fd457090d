// W1 pool_tiny of `docs/WORKLOADS.md`, beside its Swift peers in the same run:
// a pool of 2 workers; submit N = 100,000 tasks, task i returns i; collect every result;
// check the sum is N(N−1)/2. Every benchmark iteration runs the whole workload once;
// tasks/s = 100,000 / median wall-clock time.
//   cd Benchmarks && swift package benchmark --target Executors
import Benchmark
import Dispatch
import Synchronization
import Threading

let w1N = 100_000
let w1Sum = w1N * (w1N - 1) / 2

struct W1Failure: Error, CustomStringConvertible {
    let description: String
}

func checkW1(_ sum: Int) throws {
    if sum != w1Sum { throw W1Failure(description: "W1 sum \(sum), expected \(w1Sum)") }
}

/// Results written by GCD blocks, each slot by one block; `DispatchGroup.wait` orders the
/// writes before the reads.
final class ResultSlots: @unchecked Sendable {
    // Each slot is written once by one block before `group.wait()` returns.
    let slots: UnsafeMutableBufferPointer<Int>
    init(_ count: Int) { slots = .allocate(capacity: count) }
    deinit { slots.deallocate() }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 15
    )

    // The package's pool: futures with real results, collected in order.
    Benchmark("W1 ThreadPoolExecutor(2) submit+result x100k") { benchmark in
        let pool = try ThreadPoolExecutor(maxWorkers: 2)
        var futures: [Future<Int>] = []
        futures.reserveCapacity(w1N)
        benchmark.startMeasurement()
        for i in 0..<w1N { futures.append(try pool.submit { i }) }
        var sum = 0
        for future in futures { sum += try future.result() }
        benchmark.stopMeasurement()
        try checkW1(sum)
        pool.shutdown()
    }

    // GCD: a concurrent queue and a DispatchGroup (no futures; results into slots).
    Benchmark("W1 GCD async+DispatchGroup x100k") { benchmark in
        let queue = DispatchQueue(label: "w1", attributes: .concurrent)
        let group = DispatchGroup()
        let results = ResultSlots(w1N)
        benchmark.startMeasurement()
        for i in 0..<w1N {
            queue.async(group: group) { results.slots[i] = i }
        }
        group.wait()
        let sum = results.slots.reduce(0, +)
        benchmark.stopMeasurement()
        try checkW1(sum)
    }

    // Swift concurrency: a task group on the cooperative pool.
    Benchmark("W1 withTaskGroup x100k") { benchmark in
        benchmark.startMeasurement()
        let sum = await withTaskGroup(of: Int.self) { group in
            for i in 0..<w1N { group.addTask { i } }
            var sum = 0
            for await value in group { sum += value }
            return sum
        }
        benchmark.stopMeasurement()
        try checkW1(sum)
    }
}
