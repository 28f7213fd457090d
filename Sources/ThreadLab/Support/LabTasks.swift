import Foundation
import Multiprocessing

/// The tasks `threadlab` sends to its worker processes. `threadlab`'s `main` registers them
/// with `ProcessPoolExecutor.runWorkerIfRequested(tasks: LabTasks.all)`.
public enum LabTasks {
    public static let all: [any ProcessTask.Type] = [
        CPUTask.self, IncrementTask.self, CrashTask.self, MemoryTask.self,
    ]
}

/// W6's job on one range.
public struct CPUTask: ProcessTask {
    public var from: Int
    public var to: Int
    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }
    public func run() throws -> Int { CPUJob.cpu(from, to) }
}

/// W7's tiny task: x → x + 1.
public struct IncrementTask: ProcessTask {
    public var x: Int
    public init(_ x: Int) { self.x = x }
    public func run() throws -> Int { x + 1 }
}

/// Ends its worker process abruptly, as a crash would.
public struct CrashTask: ProcessTask {
    public init() {}
    public func run() throws -> Int {
        // The point of the task: take the whole worker process down.
        Foundation.exit(3)
    }
}

/// Reports its worker's pid and resident memory, after a pause that spreads a batch over
/// every worker.
public struct MemoryTask: ProcessTask {
    public var pauseMilliseconds: Int
    public init(pauseMilliseconds: Int) { self.pauseMilliseconds = pauseMilliseconds }
    public func run() throws -> [Int] {
        LabClock.sleep(.milliseconds(pauseMilliseconds))
        return [Int(getpid()), LabClock.residentKilobytes() ?? 0]
    }
}
