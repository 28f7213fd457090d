// A small program for the Multiprocessing tests: a worker for their pools, a pool parent
// for the orphan tests, and a throwaway benchmark (`bench`, built with `-c release`).
import Glibc
import Multiprocessing
import ProbeTasks

ProcessPoolExecutor.runWorkerIfRequested(tasks: probeTasks)

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "orphan-parent", "exiting-parent":
    // Starts a pool of 2 (this program as the workers), makes sure both run, prints their
    // pids; then either waits to be killed or exits without shutting the pool down.
    do {
        let pool = try ProcessPoolExecutor(maxWorkers: 2, tasks: probeTasks)
        var pids = Set<Int32>()
        while pids.count < 2 {
            let futures = try (0..<2).map { _ in try pool.submit(SleepTask(milliseconds: 20)) }
            for future in futures { pids.insert(try future.result()) }
        }
        print(pids.sorted().map(String.init).joined(separator: " "))
        fflush(nil)
        if arguments.first == "orphan-parent" {
            while true { pause() }
        }
        exit(0)
    } catch {
        print("error: \(error)")
        exit(1)
    }
case "bench":
    runBenchmarks(Array(arguments.dropFirst()))
default:
    print("usage: ProcessWorkerProbe orphan-parent | exiting-parent | bench [w6|w7|map|ready]")
}
