import Foundation
import Multiprocessing
import Threading

/// Tutorial 1.b: multi-process vs multi-thread. The CPU job in a `ProcessPoolExecutor`; a
/// worker that crashes fails only its own task; resident memory of N threads vs N processes.
package enum ProcessesScenario {
    package struct Result: Sendable {
        package var n: Int
        package var sumCorrect: Bool
        package var elapsed: Duration
        /// The crashing task's error, e.g. `workerDied(pid: …)`.
        package var crashError: String?
        /// Whether the other tasks submitted with the crashing one succeeded, and the pool
        /// still worked afterwards.
        package var othersSurvived: Bool
        package var workers: Int
        /// Extra resident memory of `workers` idle threads, in kB.
        package var threadsKilobytes: Int
        /// Resident memory of `workers` worker processes together, in kB.
        package var processesKilobytes: Int
        package var verdict: Verdict
    }

    package static func run(_ context: LabContext, n fixedN: Int? = nil, workers: Int = 4) throws -> Result {
        let log = context.log
        let n = fixedN ?? max(1_000_000, Int(20_000_000 * context.scale))
        let pool = try ProcessPoolExecutor(
            maxWorkers: 2, tasks: LabTasks.all, workerExecutable: context.executable)
        defer { pool.shutdown() }

        // The job on 2 worker processes.
        let half = n / 2
        let (sums, elapsed) = try LabClock.measure {
            try pool.map([CPUTask(from: 0, to: half), CPUTask(from: half, to: n)])
        }
        let sum = sums.reduce(0, +)
        log("cpu(0, \(n)) on 2 worker processes: \(sum) in \(LabClock.format(elapsed))")

        // A crash is contained.
        let before = try pool.submit(CPUTask(from: 0, to: 1000))
        let crash = try pool.submit(CrashTask())
        let after = try pool.submit(CPUTask(from: 1000, to: 2000))
        var crashError: String?
        do {
            _ = try crash.result()
        } catch {
            crashError = "\(error)"
            log("the crashing task failed alone: \(error)")
        }
        let later = try pool.submit(CPUTask(from: 0, to: 7)).result()
        let othersSurvived =
            (try? before.result()) == CPUJob.expected(0, 1000)
            && (try? after.result()) == CPUJob.expected(1000, 2000)
            && later == 14
        log("the other tasks \(othersSurvived ? "finished normally and the pool goes on" : "were affected")")

        // Memory: N idle threads vs N worker processes.
        let baseline = LabClock.residentKilobytes() ?? 0
        let release = Event()
        let threads = (0..<workers).map { index in OSThread(name: "Idle-\(index)") { release.wait() } }
        for thread in threads { try thread.start() }
        let withThreads = LabClock.residentKilobytes() ?? 0
        release.set()
        for thread in threads { try thread.join() }
        let threadsKilobytes = max(0, withThreads - baseline)
        let memoryPool = try ProcessPoolExecutor(
            maxWorkers: workers, tasks: LabTasks.all, workerExecutable: context.executable)
        defer { memoryPool.shutdown() }
        let answers = try memoryPool.map(
            Array(repeating: MemoryTask(pauseMilliseconds: 100), count: workers * 2))
        var perWorker: [Int: Int] = [:]
        for answer in answers where answer.count == 2 { perWorker[answer[0]] = answer[1] }
        let processesKilobytes = perWorker.values.reduce(0, +)
        log(
            "\(workers) threads added \(threadsKilobytes) kB to this process; "
                + "\(perWorker.count) worker processes hold \(processesKilobytes) kB")

        let matched = sum == CPUJob.expected(0, n) && crashError != nil && othersSurvived
        let summary =
            "cpu(0, \(n)) on 2 processes \(sum == CPUJob.expected(0, n) ? "right" : "WRONG") in "
            + "\(LabClock.format(elapsed)); a crashing worker failed only its task "
            + "(\(crashError ?? "no error")); memory: \(workers) threads +\(threadsKilobytes) kB vs "
            + "\(perWorker.count) processes \(processesKilobytes) kB"
        return Result(
            n: n, sumCorrect: sum == CPUJob.expected(0, n), elapsed: elapsed, crashError: crashError,
            othersSurvived: othersSurvived, workers: workers, threadsKilobytes: threadsKilobytes,
            processesKilobytes: processesKilobytes,
            verdict: Verdict(name: "processes", summary: summary, matched: matched))
    }
}
