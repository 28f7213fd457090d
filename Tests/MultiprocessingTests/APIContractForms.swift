import Multiprocessing  // no @testable: only what a user sees
import Threading

/// Every call form of `Multiprocessing`'s API contract, as a user writes it: a change that
/// breaks one fails the build. The forms run in the suites that test their behaviour;
/// here they are only compiled (a process pool spawns workers).
enum APIContractForms {
    struct Double: ProcessTask {
        var x: Int
        func run() throws -> Int { 2 * x }
    }

    static func forms() throws {
        ProcessPoolExecutor.runWorkerIfRequested(tasks: [Double.self])
        let pool = try ProcessPoolExecutor(
            maxWorkers: 2, tasks: [Double.self], maxTasksPerChild: 10, workerExecutable: nil)
        let future: Future<Int> = try pool.submit(Double(x: 1))
        _ = try future.result()
        let outputs: [Int] = try pool.map([Double(x: 1)], timeout: .seconds(1), chunkSize: 1)
        _ = outputs
        pool.shutdown(wait: true, cancelFutures: false)
        pool.shutdown()
        let general: any ProcessTaskExecutor = pool
        _ = try general.map([Double(x: 2)])
        general.shutdown()
        let errors: [ProcessPoolError] = [
            .workerDied(pid: 1, detail: "signal 9"), .remote(type: "E", message: "m"), .unknownTask("T"),
        ]
        _ = errors
    }
}
