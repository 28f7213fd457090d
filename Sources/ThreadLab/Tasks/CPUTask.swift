import Multiprocessing

/// W6's job on one range.
package struct CPUTask: ProcessTask {
    package var from: Int
    package var to: Int
    package init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }
    package func run() throws -> Int { CPUJob.cpu(from, to) }
}
