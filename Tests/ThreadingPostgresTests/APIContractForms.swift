import ThreadingPostgres  // no @testable: only what a user sees

/// Every call form of `ThreadingPostgres`'s API contract, as a user writes it: a change
/// that breaks one fails the build. The forms run against a real server in the other
/// suites; here they are only compiled.
enum PostgresAPIContractForms {
    struct Double: ProcessTask {
        var x: Int
        func run() throws -> Int { 2 * x }
    }

    static func forms(url: String) throws {
        let id = JobID(rawValue: 1)
        _ = (id.rawValue, id.description)
        var options = JobOptions(
            priority: 1, delay: .seconds(1), maxAttempts: 3, uniqueKey: "k", timeout: .seconds(5))
        options.priority = 2
        options.delay = nil
        options.maxAttempts = 1
        options.uniqueKey = nil
        options.timeout = nil
        let executor = try PostgresExecutor(url: url, queue: "default", tasks: [Double.self])
        let future: Future<Int> = try executor.submit(Double(x: 1))
        _ = try future.result()
        _ = try executor.submit(Double(x: 1), options: options)
        let outputs: [Int] = try executor.map([Double(x: 1)], timeout: .seconds(1), chunkSize: 1)
        _ = outputs
        let enqueued: JobID = try executor.enqueue(Double(x: 2), options: .init())
        _ = try executor.enqueue(Double(x: 3))
        let later: Future<Int> = executor.future(for: enqueued, of: Double.self)
        _ = later
        executor.shutdown(wait: true, cancelFutures: false)
        executor.shutdown()
        let general: any ProcessTaskExecutor = executor
        _ = try general.map([Double(x: 2)])

        let worker = try PostgresWorker(
            url: url, queues: ["default"], tasks: [Double.self], concurrency: 2, lease: .seconds(10))
        worker.stop()
        try worker.run()
        let errors: [PostgresExecutorError] = [.invalidURL("u"), .database("d"), .unknownJob(id)]
        _ = errors
    }
}
