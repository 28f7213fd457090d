// Counts the primes below 200,000 on a `ProcessPoolExecutor`, in eight ranges, beside one
// task that crashes its worker process. Only that task fails; the count is still right.
import Multiprocessing

/// Counts the primes in `range`, in a worker process.
struct CountPrimes: ProcessTask {
    var range: Range<Int>

    func run() throws -> Int {
        range.filter { n in
            n >= 2 && !(2..<n).lazy.prefix(while: { $0 * $0 <= n }).contains { n % $0 == 0 }
        }.count
    }
}

/// Takes its worker process down, as a crash would.
struct Crash: ProcessTask {
    func run() throws -> Int {
        fatalError("this task crashes its worker")
    }
}

let tasks: [any ProcessTask.Type] = [CountPrimes.self, Crash.self]
// In a worker process this serves tasks and never returns (Python's __main__ guard).
ProcessPoolExecutor.runWorkerIfRequested(tasks: tasks)

let pool = try ProcessPoolExecutor(maxWorkers: 2, tasks: tasks)
let ranges = stride(from: 0, to: 200_000, by: 25_000).map { $0..<($0 + 25_000) }
var futures: [Future<Int>] = try ranges.map { try pool.submit(CountPrimes(range: $0)) }
futures.insert(try pool.submit(Crash()), at: 4)

var primes = 0
var failures: [String] = []
for future in futures {
    do {
        primes += try future.result()
    } catch ProcessPoolError.workerDied(_, let detail) {
        failures.append("a worker died (\(detail))")
    } catch {
        failures.append("\(error)")
    }
}
pool.shutdown()
print("primes below 200000: \(primes) (expected 17984)")
print("failed tasks: \(failures.count): \(failures.joined(separator: "; "))")
