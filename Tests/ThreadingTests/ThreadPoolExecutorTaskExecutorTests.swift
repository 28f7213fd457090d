import Synchronization
import Testing
import ThreadingTestSupport

@testable import Threading

/// `ThreadPoolExecutor` as a Swift `TaskExecutor`.
@Suite(.hangGuard)
struct ThreadPoolExecutorTaskExecutorTests {
    @Test func asyncCodeRunsOnThePoolsThreads() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "TaskPool")
        defer { pool.shutdown() }
        let name = await withTaskExecutorPreference(pool) {
            OSThread.current.name
        }
        #expect(name.hasPrefix("TaskPool_"))
        // Child tasks inherit the preference, also after a suspension.
        let names = await withTaskExecutorPreference(pool) {
            await withTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        await Task.yield()
                        return OSThread.current.name
                    }
                }
                var names: [String] = []
                for await name in group { names.append(name) }
                return names
            }
        }
        #expect(names.count == 4)
        #expect(names.allSatisfy { $0.hasPrefix("TaskPool_") })
    }

    /// More tasks block at once than Swift's cooperative pool has threads (one per core):
    /// each waits, blocking its thread, until all have arrived. On the cooperative pool
    /// they could never all arrive; on a pool of enough workers they do.
    @Test func blockingTasksDoNotNeedTheCooperativePool() async throws {
        let parties = ThreadPoolExecutor.onlineCores + 2
        let pool = try ThreadPoolExecutor(maxWorkers: parties, threadNamePrefix: "Blocking")
        defer { pool.shutdown() }
        let gate = Gate(parties: parties)
        let arrivedAll = await withTaskExecutorPreference(pool) {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<parties {
                    group.addTask { gate.arriveAndWait() && OSThread.current.name.hasPrefix("Blocking_") }
                }
                var all = true
                for await ok in group { all = all && ok }
                return all
            }
        }
        #expect(arrivedAll)
        #expect(pool.core.counts.started == parties)
    }

    /// A future's async `value`, awaited on the pool, resumes on the pool.
    @Test func awaitingAFutureOnThePool() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 2, threadNamePrefix: "Await")
        defer { pool.shutdown() }
        let future = try pool.submit { 7 }
        let (value, name) = try await withTaskExecutorPreference(pool) {
            (try await future.value, OSThread.current.name)
        }
        #expect(value == 7)
        #expect(name.hasPrefix("Await_"))
    }

    /// Jobs given after shutdown still run (on Swift's global executor), so no task hangs.
    @Test func jobsAfterShutdownStillRun() async throws {
        let pool = try ThreadPoolExecutor(maxWorkers: 1)
        pool.shutdown()
        let ran = await withTaskExecutorPreference(pool) { 5 }
        #expect(ran == 5)
    }
}
