// W6 and W7 of docs/WORKLOADS.md on this package's process pool, run as
// `swift build -c release --product ProcessWorkerProbe && .build/release/ProcessWorkerProbe bench`.
import Glibc
import Multiprocessing
import ProbeTasks

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func runBenchmarks(_ which: [String]) {
    let all = which.isEmpty ? ["ready", "w7", "map", "w6"] : which
    let clock = ContinuousClock()
    do {
        for name in all {
            switch name {
            case "ready":
                // init → both workers have answered a task.
                var times: [Double] = []
                for _ in 0..<5 {
                    let start = clock.now
                    let pool = try ProcessPoolExecutor(maxWorkers: 2, tasks: probeTasks)
                    let futures = try (0..<2).map { try pool.submit(AddOne(x: $0)) }
                    for future in futures { _ = try future.result() }
                    times.append(seconds(clock.now - start))
                    pool.shutdown()
                }
                print(
                    "ready: pool of 2 answers its first tasks \(median(times) * 1000) ms after init (median of 5)"
                )
            case "w7":
                let pool = try ProcessPoolExecutor(maxWorkers: 2, tasks: probeTasks)
                _ = try pool.map((0..<100).map { AddOne(x: $0) })
                var rates: [Double] = []
                let n = 10_000
                for _ in 0..<7 {
                    let start = clock.now
                    let futures = try (0..<n).map { try pool.submit(AddOne(x: $0)) }
                    var sum = 0
                    for future in futures { sum += try future.result() }
                    let elapsed = seconds(clock.now - start)
                    guard sum == n * (n + 1) / 2 else { benchFailed("bad sum \(sum)") }
                    rates.append(Double(n) / elapsed)
                }
                pool.shutdown()
                print(
                    "W7 process_roundtrip: submit/result N=\(n) through 2 workers: \(Int(median(rates))) tasks/s (median of 7)"
                )
            case "map":
                let pool = try ProcessPoolExecutor(maxWorkers: 2, tasks: probeTasks)
                let n = 1_000_000
                let tasks = (0..<n).map { AddOne(x: $0) }
                _ = try pool.map(Array(tasks.prefix(1000)), chunkSize: 100)
                for chunk in [1, 100] {
                    var rates: [Double] = []
                    let count = chunk == 1 ? 100_000 : n
                    for _ in 0..<5 {
                        let start = clock.now
                        let outputs = try pool.map(Array(tasks.prefix(count)), chunkSize: chunk)
                        let elapsed = seconds(clock.now - start)
                        guard outputs.count == count, outputs.last == count else { benchFailed("bad map") }
                        rates.append(Double(count) / elapsed)
                    }
                    print(
                        "map(chunkSize: \(chunk)) N=\(count) through 2 workers: \(Int(median(rates))) tasks/s (median of 5)"
                    )
                }
                pool.shutdown()
            case "w6":
                // docs/WORKLOADS.md's N; W6_N=... overrides it (longer halves show the speedup
                // through a busy machine's scheduling noise).
                let n = getenv("W6_N").flatMap { Int(String(cString: $0)) } ?? 50_000_000
                var t1: [Double] = []
                var p2: [Double] = []
                var p2Cold: [Double] = []
                let pool = try ProcessPoolExecutor(maxWorkers: 2, tasks: probeTasks)
                _ = try pool.map([AddOne(x: 0), AddOne(x: 1)])
                for _ in 0..<3 {
                    var start = clock.now
                    let expected = SumSquaresMod7(lower: 0, upper: n).run()
                    t1.append(seconds(clock.now - start))
                    start = clock.now
                    let halves = try pool.map([
                        SumSquaresMod7(lower: 0, upper: n / 2), SumSquaresMod7(lower: n / 2, upper: n),
                    ])
                    p2.append(seconds(clock.now - start))
                    guard halves.reduce(0, +) == expected else { benchFailed("bad W6 sum") }
                    start = clock.now
                    let cold = try ProcessPoolExecutor(maxWorkers: 2, tasks: probeTasks)
                    let coldHalves = try cold.map([
                        SumSquaresMod7(lower: 0, upper: n / 2), SumSquaresMod7(lower: n / 2, upper: n),
                    ])
                    cold.shutdown()
                    p2Cold.append(seconds(clock.now - start))
                    guard coldHalves.reduce(0, +) == expected else { benchFailed("bad W6 sum") }
                }
                pool.shutdown()
                let m1 = median(t1)
                print(
                    "W6 cpu_speedup N=\(n): T1 \(m1) s, P2 warm \(median(p2)) s (speedup \(m1 / median(p2))), "
                        + "P2 with start-up \(median(p2Cold)) s (speedup \(m1 / median(p2Cold)))")
            case "codec":
                // The pool's side of map(chunkSize: 100) without any processes: encode the
                // tasks (in chunks), decode the outputs.
                let pool = try ProcessPoolExecutor(maxWorkers: 1, tasks: probeTasks)
                let tasks = (0..<1_000_000).map { AddOne(x: $0) }
                var start = clock.now
                var total = 0
                for chunk in stride(from: 0, to: tasks.count, by: 100) {
                    total += try pool.encodedSize(Array(tasks[chunk..<chunk + 100]))
                }
                let perTask = seconds(clock.now - start) / Double(tasks.count) * 1e9
                start = clock.now
                print("codec: encoding a task costs \(Int(perTask)) ns (\(total / tasks.count) bytes)")
                pool.shutdown()
            default:
                print("unknown benchmark \(name)")
            }
        }
    } catch {
        print("benchmark failed: \(error)")
    }
}

/// A benchmark whose result is wrong stops the run with a message (exit status 1).
func benchFailed(_ message: String) -> Never {
    var line = "bench: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(1)
}
