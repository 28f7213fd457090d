import Foundation
import Multiprocessing

/// A job of the cluster scenario: announces its start on its worker's standard output
/// (`cluster job N started on pid P`, the line the lab reads to see which worker runs
/// what), works for `milliseconds`, and returns `[job, pid]`.
package struct ClusterTask: ProcessTask {
    package var job: Int
    package var milliseconds: Int

    package init(job: Int, milliseconds: Int) {
        self.job = job
        self.milliseconds = milliseconds
    }

    package func run() throws -> [Int] {
        LabLog()("cluster job \(job) started on pid \(getpid()) (\(milliseconds) ms)")
        LabClock.sleep(.milliseconds(milliseconds))
        return [job, Int(getpid())]
    }

    /// The job and pid of a line that announces a start, as `run()` prints it (after the
    /// log's time and thread name); nil for any other line.
    package static func announcement(in line: String) -> (job: Int, pid: Int32)? {
        guard let match = line.firstMatch(of: /cluster job (\d+) started on pid (\d+)/),
            let job = Int(match.1), let pid = Int32(match.2)
        else { return nil }
        return (job, pid)
    }
}
