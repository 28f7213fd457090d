import Foundation
import Multiprocessing

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
