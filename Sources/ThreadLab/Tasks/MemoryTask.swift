import Foundation
import Multiprocessing

/// Reports its worker's pid and resident memory, after a pause that spreads a batch over
/// every worker.
package struct MemoryTask: ProcessTask {
    package var pauseMilliseconds: Int
    package init(pauseMilliseconds: Int) { self.pauseMilliseconds = pauseMilliseconds }
    package func run() throws -> [Int] {
        LabClock.sleep(.milliseconds(pauseMilliseconds))
        return [Int(getpid()), LabClock.residentKilobytes() ?? 0]
    }
}
