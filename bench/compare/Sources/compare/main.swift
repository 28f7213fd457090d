import Foundation
import Multiprocessing
import Threading

// One line of JSON: for each workload, `REPS` figures at docs/WORKLOADS.md's full size.
// Only public API that every commit since the workloads were defined has, so the same
// source measures any two commits (see run.sh). Each workload checks its sum.

struct Increment: ProcessTask {
    var x: Int
    func run() throws -> Int { x + 1 }
}
ProcessPoolExecutor.runWorkerIfRequested(tasks: [Increment.self])

/// A counter the workloads' own synchronisation guards.
final class Counter: @unchecked Sendable { var value = 0 }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let (whole, fraction) = (ContinuousClock.now - start).components
    return Double(whole) + Double(fraction) / 1e18
}

/// W1: submit n tiny tasks to 2 workers, collect every result. Tasks per second.
func poolTiny(_ n: Int) throws -> Double {
    var total = 0
    let elapsed = try seconds {
        total = try withThreadPool(maxWorkers: 2) { pool in
            let futures = try (0..<n).map { i in try pool.submit { i } }
            return try futures.reduce(0) { $0 + (try $1.result()) }
        }
    }
    precondition(total == n * (n - 1) / 2)
    return Double(n) / elapsed
}

/// W2 / W3: a `Queue` of capacity 1,024 between producers and consumers. Items per second.
func queue(_ n: Int, producers: Int, consumers: Int) throws -> Double {
    let queue = Queue<Int>(maxsize: 1024)
    let share = n / producers
    let sums = (0..<consumers).map { _ in Counter() }
    let elapsed = try seconds {
        let getters = (0..<consumers).map { c in
            OSThread {
                while true {
                    let item = try queue.get()
                    if item < 0 { break }
                    sums[c].value &+= item
                }
            }
        }
        let putters = (0..<producers).map { k in
            OSThread { for i in (k * share)..<((k + 1) * share) { try queue.put(i) } }
        }
        for thread in getters + putters { try thread.start() }
        for thread in putters { try thread.join() }
        for _ in 0..<consumers { try queue.put(-1) }
        for thread in getters { try thread.join() }
    }
    let total = share * producers
    precondition(sums.reduce(0) { $0 + $1.value } == total * (total - 1) / 2)
    return Double(total) / elapsed
}

/// W4: one thread, n acquire/increment/release pairs. Nanoseconds per pair.
func lockUncontended(_ n: Int) -> Double {
    let lock = Lock(name: "W4")
    let counter = Counter()
    let elapsed = seconds {
        for _ in 0..<n {
            lock.acquire()
            counter.value &+= 1
            try? lock.release()
        }
    }
    precondition(counter.value == n)
    return elapsed / Double(n) * 1e9
}

/// W5: 2 threads × n increments under one lock. Increments per second.
func lockContended(_ n: Int) throws -> Double {
    let lock = Lock(name: "W5")
    let counter = Counter()
    let elapsed = try seconds {
        let threads = (0..<2).map { _ in OSThread { for _ in 0..<n { lock.withLock { counter.value &+= 1 } } }
        }
        for thread in threads { try thread.start() }
        for thread in threads { try thread.join() }
    }
    precondition(counter.value == 2 * n)
    return Double(2 * n) / elapsed
}

/// W7: a started pool of 2 worker processes; submit n tiny tasks, collect all. Tasks per second.
func processRoundTrip(_ pool: ProcessPoolExecutor, _ n: Int) throws -> Double {
    var total = 0
    let elapsed = try seconds {
        let futures = try (0..<n).map { try pool.submit(Increment(x: $0)) }
        total = try futures.reduce(0) { $0 + (try $1.result()) }
    }
    precondition(total == n * (n + 1) / 2)
    return Double(n) / elapsed
}

/// W8: two threads bounce a token with two `Event`s. Microseconds per round trip.
func eventPingPong(_ n: Int) throws -> Double {
    let ping = Event()
    let pong = Event()
    let responder = OSThread {
        for _ in 0..<n {
            ping.wait()
            ping.clear()
            pong.set()
        }
    }
    try responder.start()
    let elapsed = seconds {
        for _ in 0..<n {
            ping.set()
            pong.wait()
            pong.clear()
        }
    }
    try responder.join()
    return elapsed / Double(n) * 1e6
}

let repetitions = Int(CommandLine.arguments.dropFirst().first ?? "5") ?? 5
let pool = try ProcessPoolExecutor(maxWorkers: 2, tasks: [Increment.self])
_ = try pool.map((0..<4).map(Increment.init))  // workers up before timing, as in W7
let workloads: [(String, () throws -> Double)] = [
    ("W1", { try poolTiny(100_000) }),
    ("W2", { try queue(1_000_000, producers: 1, consumers: 1) }),
    ("W3", { try queue(1_000_000, producers: 2, consumers: 2) }),
    ("W4", { lockUncontended(10_000_000) }),
    ("W5", { try lockContended(1_000_000) }),
    ("W7", { try processRoundTrip(pool, 10_000) }),
    ("W8", { try eventPingPong(100_000) }),
]
var fields: [String] = []
for (id, measure) in workloads {
    var figures: [Double] = []
    for _ in 0..<repetitions { figures.append(try measure()) }
    fields.append("\"\(id)\": [\(figures.map { String($0) }.joined(separator: ", "))]")
}
pool.shutdown()
print("{" + fields.joined(separator: ", ") + "}")
