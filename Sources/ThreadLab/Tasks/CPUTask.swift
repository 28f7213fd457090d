import Multiprocessing

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
