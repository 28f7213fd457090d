extension ProcessPoolExecutor {
    /// Call first thing in `main`. In a worker process it serves tasks and never returns;
    /// elsewhere it returns at once (Python's `if __name__ == "__main__":` guard).
    ///
    /// A worker is this program started by a pool with the `SWIFT_THREADING_WORKER`
    /// environment variable set. It runs the jobs it is sent, one at a time in the order
    /// sent, answering each, and exits when the pool closes its channel, when the pool's
    /// process dies (`PR_SET_PDEATHSIG`), or on a malformed message. `tasks` must list the
    /// task types the pool sends (matched by `ProcessTask.taskName`); any other type fails
    /// its future with `ProcessPoolError.unknownTask`.
    public static func runWorkerIfRequested(tasks: [any ProcessTask.Type]) {
        guard let marker = ProcessSyscalls.environmentValue(workerEnvironmentKey) else { return }
        // Programs this worker starts are not workers.
        ProcessSyscalls.removeEnvironmentValue(workerEnvironmentKey)
        let fields = marker.split(separator: ",").compactMap { Int32($0) }
        guard fields.count == 3 else {
            ProcessSyscalls.writeStandardError(
                "swift-threading worker: bad \(workerEnvironmentKey)=\(marker)\n")
            ProcessSyscalls.exitImmediately(64)
        }
        ProcessSyscalls.dieWithParent()
        // The pool's process died before the line above took effect.
        if ProcessSyscalls.parentProcessID() != fields[2] { ProcessSyscalls.exitImmediately(0) }
        guard let shared = try? ProcessSyscalls.mapShared(fields[1], size: SharedLayout.size) else {
            // Without it the worker could neither honour cancels nor keep its answers safe.
            ProcessSyscalls.writeStandardError(
                "swift-threading worker: cannot map the pool's shared memory\n")
            ProcessSyscalls.exitImmediately(71)
        }
        ProcessSyscalls.closeDescriptors(from: max(fields[0], fields[1]) + 1)
        WorkerLoop.serve(channel: fields[0], shared: shared, handlers: tasks.map { TaskHandler($0) })
    }
}
