import Foundation
import Multiprocessing
import Testing
import ThreadingTestSupport

@testable import ProbeTasks

/// The probe worker program, built next to the test bundle.
let probePath: String = {
    // Crashing probe workers should die at once, without the runtime's backtrace.
    setenv("SWIFT_BACKTRACE", "enable=no", 1)
    return siblingProgramPath("ProcessWorkerProbe")
}()

/// A pool of the probe's workers.
func makePool(workers: Int = 2, maxTasksPerChild: Int? = nil, tasks: [any ProcessTask.Type] = probeTasks)
    throws
    -> ProcessPoolExecutor
{
    try ProcessPoolExecutor(
        maxWorkers: workers, tasks: tasks, maxTasksPerChild: maxTasksPerChild, workerExecutable: probePath)
}

/// A type the test pools register but the probe worker does not know.
struct NotInWorker: ProcessTask {
    static var taskName: String { "tests.NotInWorker" }
    var x: Int
    func run() -> Int { x }
}

/// The error a future failed with, or nil when it succeeded.
func failure<T>(of future: Future<T>) -> (any Error)? {
    do {
        _ = try future.result(timeout: Delay.bound)
        return nil
    } catch {
        return error
    }
}

/// Whether `error` is `.workerDied` for `pid` (any pid when nil) with a detail containing `detail`.
func isWorkerDied(_ error: (any Error)?, pid: Int32? = nil, detail: String) -> Bool {
    guard case .workerDied(let diedPID, let diedDetail)? = error as? ProcessPoolError else { return false }
    let detailMatches =
        diedDetail.contains(detail)
        || (Stress.underTSan && detail.contains("SIGSEGV") && diedDetail.hasPrefix("exit code 66"))
    return (pid == nil || pid == diedPID) && detailMatches
}

/// Whether `error` is `.remote` with that type name.
func isRemote(_ error: (any Error)?, type: String) -> Bool {
    guard case .remote(let remoteType, _)? = error as? ProcessPoolError else { return false }
    return remoteType == type
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped yet).
func processHasEnded(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return true }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
    return state == "Z" || state == "X"
}
