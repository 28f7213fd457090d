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

/// Waits (bounded) until every pid has ended. Another process's end cannot be waited for
/// without `pidfd`, so this checks every 10 ms; the bound keeps it from hanging.
func waitUntilEnded(_ pids: [Int32], within bound: Duration = Delay.bound) -> Bool {
    let deadline = ContinuousClock.now + bound
    while ContinuousClock.now < deadline {
        if pids.allSatisfy(processHasEnded) { return true }
        usleep(10_000)
    }
    return pids.allSatisfy(processHasEnded)
}

/// A FIFO in a fresh temporary directory; `BlockAndReport` writes its pid into it.
struct Fifo {
    let path: String

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("fifo").path
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// Blocks until a task opened the FIFO and wrote its pid.
    func readPID() -> Int32? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
        return Int32(String(decoding: bytes, as: UTF8.self))
    }
}
