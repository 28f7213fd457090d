import Multiprocessing

/// The tasks `threadlab` sends to its worker processes. `threadlab`'s `main` registers them
/// with `ProcessPoolExecutor.runWorkerIfRequested(tasks: LabTasks.all)`, and
/// `threadlab worker` with the `PostgresWorker` it runs.
package enum LabTasks {
    package static let all: [any ProcessTask.Type] = [
        CPUTask.self, IncrementTask.self, CrashTask.self, MemoryTask.self, ClusterTask.self, StampTask.self,
    ]
}
