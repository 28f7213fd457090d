import Threading

/// A stand-in for `ThreadPoolExecutor` while the futures part of the package is not built:
/// `count` threads named `PREFIX_0`, `PREFIX_1`, … take jobs in order from one list.
enum WorkerThreads {
    /// Runs every job on `count` worker threads and returns once all are done.
    static func run(count: Int, prefix: String, jobs: [@Sendable () -> Void]) throws {
        let pending = Guarded(jobs[...])
        let workers = (0..<max(1, count)).map { index in
            OSThread(name: "\(prefix)_\(index)") {
                while let job = pending.withLock({ $0.popFirst() }) { job() }
            }
        }
        for worker in workers { try worker.start() }
        for worker in workers { try worker.join() }
    }
}
